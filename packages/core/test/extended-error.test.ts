import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { buildQuery, errorReply, parseRequest, Rcode, reply, Request, withExtendedError } from '../src/index.js';

const request = (edns: boolean): Request => parseRequest(buildQuery('blocked.example.', 1, edns ? { edns: { udpSize: 1232, do: false } } : {}), 'udp', { address: '127.0.0.1', port: 1, family: 4 }) as Request;

test('withExtendedError adds INFO-CODE and EXTRA-TEXT to the OPT of reply() and errorReply(), as RFC 8914 lays them out', () => {
  const req = request(true);
  for (const [msg, code, text] of [
    [errorReply(req.msg, req.questionEnd, Rcode.REFUSED, req.edns), 15, ''],
    [reply(req, { rcode: Rcode.NXDOMAIN }), 21, 'not here: ünïcode'],
  ] as const) {
    const opt = dnsPacket.decode(withExtendedError(msg, code, text)).additionals!.find((r) => r.type === 'OPT') as unknown as { options: { code: number; data: Buffer }[] };
    assert.equal(opt.options.length, 1);
    assert.equal(opt.options[0]!.code, 15);
    assert.equal(opt.options[0]!.data.readUInt16BE(0), code);
    assert.equal(opt.options[0]!.data.subarray(2).toString('utf8'), text);
  }
});

test('withExtendedError leaves a reply without EDNS as it is', () => {
  const req = request(false);
  const msg = errorReply(req.msg, req.questionEnd, Rcode.REFUSED, req.edns);
  assert.equal(withExtendedError(msg, 15), msg);
});
