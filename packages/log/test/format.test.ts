import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata, type Request } from '@chaindns/core';
import { makeRequest } from '@chaindns/core/testing';
import { COMBINED_LOG_FORMAT, COMMON_LOG_FORMAT, compileFormat, flagsText, type LogEntry, parseFormat, plainDecimal } from '../src/index.js';

test('formats split as CoreDNS replacer does', () => {
  const cases: [string, ReturnType<typeof parseFormat>][] = [
    ['{type}', [{ placeholder: '{type}' }]],
    ['A {type}', [{ literal: 'A ' }, { placeholder: '{type}' }]],
    ['{type} B', [{ placeholder: '{type}' }, { literal: ' B' }]],
    ['{name}{type}', [{ placeholder: '{name}' }, { placeholder: '{type}' }]],
    ['A } {type}', [{ literal: 'A } ' }, { placeholder: '{type}' }]],
    ['{ {type} }', [{ literal: '{ ' }, { placeholder: '{type}' }, { literal: ' }' }]],
    ['{unknown} {>ID} {type', [{ literal: '{unknown} {>ID} {type' }]],
    ['{/geoip/city/name}', [{ metadata: 'geoip/city/name' }]],
    ['{local}', [{ placeholder: '{local}' }]],
  ];
  for (const [format, nodes] of cases) assert.deepEqual(parseFormat(format), nodes, format);
});

const entry = (over: Partial<LogEntry> = {}): LogEntry => ({
  req: makeRequest('Example.ORG', 'AAAA', { id: 321, remote: { address: '10.0.0.7', port: 40212, family: 4 }, edns: { udpSize: 1232, do: true } }),
  rcode: 0,
  flags: 0x8580,
  rsize: 120,
  seconds: 0.0123456789,
  ...over,
});

test('every placeholder renders as CoreDNS fills it', () => {
  const cases: [string, LogEntry, string][] = [
    [COMMON_LOG_FORMAT, entry(), '10.0.0.7:40212 - 321 "AAAA IN example.org. udp 40 true 1232" NOERROR qr,aa,rd,ra 120 0.012345679s'],
    [COMBINED_LOG_FORMAT, entry(), '10.0.0.7:40212 - 321 "AAAA IN example.org. udp 40 true 1232" NOERROR qr,aa,rd,ra 120 0.012345679s "0"'],
    ['{remote} {port} {proto} {>bufsize}', entry({ req: makeRequest('a.', 'A', { transport: 'tcp', remote: { address: 'fd00::1', port: 53, family: 6 } }) }), '[fd00::1] 53 tcp 65535'],
    ['{>bufsize} {>do}', entry({ req: makeRequest('a.', 'A') }), '512 false'],
    ['{>bufsize}', entry({ req: makeRequest('a.', 'A', { edns: { udpSize: 100 } }) }), '512'],
    ['{class} {type}', entry({ req: makeRequest('a.', 65280) }), 'IN TYPE65280'],
    ['{rcode} {>rflags} {rsize}', entry({ rcode: 2, flags: -1, rsize: 0 }), 'SERVFAIL - 0'],
    ['{rcode}', entry({ rcode: 3 }), 'NXDOMAIN'],
    ['{duration}', entry({ seconds: 2.5 }), '2.5s'],
    ['{duration}', entry({ seconds: 0.0000004 }), '0.0000004s'],
    ['{/name} {>opcode} {size}', entry(), '- 0 40'],
    ['{/test/region} {/test/empty} {/test/none}', entry({ req: withMetadata(makeRequest('example.org.', 'A'), { 'test/region': 'eu', 'test/empty': '' }) }), 'eu  -'],
  ];
  for (const [format, e, want] of cases) assert.equal(compileFormat(format)(e), want, format);
  assert.throws(() => compileFormat('{local}'), /the \{local\} placeholder is not supported/);
});

test('flags and decimals as Go writes them', () => {
  assert.equal(flagsText(0xffff), 'qr,aa,tc,rd,ra,z,ad,cd');
  assert.equal(flagsText(0x8000 | 0x0100), 'qr,rd');
  assert.equal(flagsText(0), '');
  assert.equal(plainDecimal(1e-7), '0.0000001');
  assert.equal(plainDecimal(1.25e-8), '0.0000000125');
  assert.equal(plainDecimal(0.5), '0.5');
  assert.equal(plainDecimal(12), '12');
});

/** `req` with the metadata `values` (as the metadata plugin would make them). */
function withMetadata(req: Request, values: Record<string, string>): Request {
  req.metadata = new Metadata([{ metadata: (_r, label) => (Object.hasOwn(values, label) ? values[label] : undefined) }], req);
  return req;
}
