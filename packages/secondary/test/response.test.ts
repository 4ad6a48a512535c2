import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeName, QType, Rcode } from '@chaindns/core';
import { readAnswers, TransferError } from '../src/response.js';

const Q = Buffer.concat([encodeName('example.org.'), Buffer.from([0, 252, 0, 1])]);
/** A pointer to the question's name, at 12. */
const PTR = [0xc0, 12];

/** A response with ID 7 and the question above, and these records after it (owner: a pointer to the question's name). */
function response(records: Array<{ type: number; rdata: number[] }>, flags = 0x8400): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(7, 0);
  head.writeUInt16BE(flags, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(records.length, 6);
  const rrs = records.map(({ type, rdata }) => {
    const rr = Buffer.alloc(12 + rdata.length);
    rr.set(PTR, 0);
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(300, 6);
    rr.writeUInt16BE(rdata.length, 10);
    rr.set(rdata, 12);
    return rr;
  });
  return Buffer.concat([head, Q, ...rrs]);
}

const label = (s: string): number[] => [s.length, ...Buffer.from(s)];
const name = (s: string): number[] => [...encodeName(s)];

function read(msg: Buffer): Array<{ owner: string; type: number; rdata: number[] }> {
  const out: Array<{ owner: string; type: number; rdata: number[] }> = [];
  readAnswers(msg, 7, (owner, type, _klass, _ttl, rdata, len) => out.push({ owner, type, rdata: [...rdata.subarray(0, len)] }));
  return out;
}

test('compressed names in RDATA are written out whole, for every type a sender may compress; other RDATA is copied', () => {
  const soaTail = [0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4];
  const got = read(
    response([
      { type: QType.MX, rdata: [0, 10, ...label('mail'), ...PTR] },
      { type: QType.SOA, rdata: [...label('ns1'), ...PTR, ...label('hostmaster'), ...PTR, ...soaTail] },
      { type: QType.SRV, rdata: [0, 1, 0, 2, 0, 3, ...label('sip'), ...PTR] },
      { type: QType.NAPTR, rdata: [0, 100, 0, 10, ...label('u'), ...label('E2U+sip'), 0, ...PTR] },
      { type: QType.CNAME, rdata: [...PTR] },
      { type: 65280, rdata: [0xc0, 12] },
    ]),
  );
  assert.deepEqual(got, [
    { owner: 'example.org.', type: QType.MX, rdata: [0, 10, ...label('mail'), ...name('example.org.')] },
    { owner: 'example.org.', type: QType.SOA, rdata: [...label('ns1'), ...name('example.org.'), ...label('hostmaster'), ...name('example.org.'), ...soaTail] },
    { owner: 'example.org.', type: QType.SRV, rdata: [0, 1, 0, 2, 0, 3, ...label('sip'), ...name('example.org.')] },
    { owner: 'example.org.', type: QType.NAPTR, rdata: [0, 100, 0, 10, ...label('u'), ...label('E2U+sip'), 0, ...name('example.org.')] },
    { owner: 'example.org.', type: QType.CNAME, rdata: name('example.org.') },
    { owner: 'example.org.', type: 65280, rdata: [0xc0, 12] },
  ]);
});

test('owner names are lowercased', () => {
  const msg = response([{ type: QType.A, rdata: [192, 0, 2, 1] }]);
  msg.write('EXAMPLE', 13, 'latin1');
  assert.equal(read(msg)[0]!.owner, 'example.org.');
});

test('what is not an answer to the query fails with why', async (t) => {
  const ok = response([{ type: QType.A, rdata: [192, 0, 2, 1] }]);
  const cases: Array<{ name: string; msg: Buffer; error: RegExp; rcode?: number }> = [
    { name: 'another ID', msg: (() => (ok.writeUInt16BE(8, 0), Buffer.from(ok)))(), error: /does not match the query/ },
    { name: 'a query (QR clear)', msg: response([], 0x0000), error: /does not match the query/ },
    { name: 'REFUSED', msg: response([], 0x8405), error: /the primary answered REFUSED/, rcode: Rcode.REFUSED },
    { name: 'NOTIMP', msg: response([], 0x8404), error: /the primary answered NOTIMP/, rcode: Rcode.NOTIMP },
    { name: 'truncated', msg: response([], 0x8600), error: /truncated/ },
    // The RDATA starts at 12 + the question + the record's owner pointer and fields (12): a pointer to itself.
    { name: 'a pointer loop in RDATA', msg: response([{ type: QType.NS, rdata: [0xc0, 12 + Q.length + 12] }]), error: /malformed record/ },
    { name: 'a name running past RDATA', msg: response([{ type: QType.NS, rdata: [3, 0x61] }]), error: /malformed record/ },
    { name: 'RDATA longer than its fields', msg: response([{ type: QType.NS, rdata: [...PTR, 0] }]), error: /malformed record/ },
    { name: 'RDATA past the end', msg: response([{ type: QType.A, rdata: [192, 0, 2, 1] }]).subarray(0, -1), error: /malformed record/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.throws(
        () => read(c.msg),
        (err: unknown) => err instanceof TransferError && c.error.test(err.message) && (c.rcode === undefined || err.rcode === c.rcode),
      );
    });
  }
});
