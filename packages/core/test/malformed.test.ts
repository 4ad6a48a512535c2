import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeName, errorReply, parseRequest, QType, Rcode, Request } from '../src/index.js';

const remote = { address: '127.0.0.1', port: 1, family: 4 as const };
const QUESTION = [...encodeName('example.org.'), 0, 1, 0, 1]; // at offset 12: example.org. A IN
const ORG = 12 + 8; // where "org." starts in the question

/** A query: ID 0x0102, RD, the counts given, the question, then `rest` as is. */
function message(counts: { an?: number; ns?: number; ar?: number }, ...rest: number[][]): Buffer {
  const header = [1, 2, 1, 0, 0, 1, 0, counts.an ?? 0, 0, counts.ns ?? 0, 0, counts.ar ?? 0];
  return Buffer.from([...header, ...QUESTION, ...rest.flat()]);
}

/** A record: owner name bytes, type, class IN, TTL 60, then its RDATA. */
function record(owner: number[], type: number, rdata: number[] = [], klass = 1): number[] {
  return [...owner, type >> 8, type & 0xff, klass >> 8, klass & 0xff, 0, 0, 0, 60, rdata.length >> 8, rdata.length & 0xff, ...rdata];
}

/** An OPT record: root owner, UDP size 1232, the options' bytes as given. */
function opt(options: number[] = [], owner: number[] = [0]): number[] {
  return record(owner, QType.OPT, options, 1232);
}

const A = [192, 0, 2, 1];
const pointer = (to: number): number[] => [0xc0 | (to >> 8), to & 0xff];
/** Where the first record after the question starts. */
const FIRST = 12 + QUESTION.length;

test('the records after the question: what is FORMERR and what is tolerated, as miekg/dns reads them', async (t) => {
  const cases: { name: string; msg: Buffer; rcode?: number; edns?: boolean }[] = [
    { name: 'an answer record that points into the question', msg: message({ an: 1 }, record(pointer(12), QType.A, A)) },
    { name: 'a chain of pointers to the question', msg: message({ an: 1, ar: 1 }, record(pointer(12), QType.A, A), record(pointer(FIRST), QType.A, A)) },
    { name: 'a pointer forward, to a later name (miekg/dns follows it)', msg: message({ an: 1, ar: 1 }, record(pointer(FIRST + 16), QType.A, A), record([3, 0x77, 0x77, 0x77, ...pointer(ORG)], QType.A, A)) },
    { name: 'a pointer that points at itself', msg: message({ an: 1 }, record(pointer(FIRST), QType.A, A)), rcode: Rcode.FORMERR },
    { name: 'two pointers that point at each other, in the additional section', msg: message({ ar: 2 }, record(pointer(FIRST + 16), QType.A, A), record(pointer(FIRST), QType.A, A)), rcode: Rcode.FORMERR },
    { name: 'a label, then a pointer back to it', msg: message({ ns: 1 }, record([1, 0x61, ...pointer(FIRST)], QType.A, A)), rcode: Rcode.FORMERR },
    { name: 'a pointer past the end of the message', msg: message({ an: 1 }, record(pointer(0x3fff), QType.A, A)), rcode: Rcode.FORMERR },
    { name: 'a reserved label type (0x40)', msg: message({ an: 1 }, record([0x41, 0x61, 0], QType.A, A)), rcode: Rcode.FORMERR },
    { name: 'a record longer than the message', msg: message({ an: 1 }, record([0], QType.A, A)).subarray(0, -1), rcode: Rcode.FORMERR },
    { name: 'an OPT record', msg: message({ ar: 1 }, opt([0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8])), edns: true },
    { name: 'an EDNS option longer than its OPT record', msg: message({ ar: 1 }, opt([0, 10, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8])), rcode: Rcode.FORMERR },
    { name: 'OPT RDATA that ends inside an option header', msg: message({ ar: 1 }, opt([0, 10, 0])), rcode: Rcode.FORMERR },
    { name: 'two OPT records', msg: message({ ar: 2 }, opt(), opt()), rcode: Rcode.FORMERR },
    { name: 'two OPT records, one not owned by the root', msg: message({ ar: 2 }, opt(), opt([], pointer(12))), rcode: Rcode.FORMERR },
    { name: 'an OPT record in the answer section', msg: message({ an: 1 }, opt()), rcode: Rcode.FORMERR },
    { name: 'an OPT record in the authority section', msg: message({ ns: 1 }, opt()), rcode: Rcode.FORMERR },
    { name: 'two answer records (CoreDNS takes one at most)', msg: message({ an: 2 }, record([0], QType.A, A), record([0], QType.A, A)), rcode: Rcode.FORMERR },
    { name: 'two authority records (CoreDNS takes one at most)', msg: message({ ns: 2 }, record([0], QType.A, A), record([0], QType.A, A)), rcode: Rcode.FORMERR },
    { name: 'three additional records (CoreDNS takes two at most)', msg: message({ ar: 3 }, opt(), record([0], QType.A, A), record([0], QType.A, A)), rcode: Rcode.FORMERR },
    { name: 'bytes after the last record (tolerated)', msg: message({ ar: 1 }, opt(), [0xde, 0xad, 0xbe]), edns: true },
    { name: 'bytes after the question (tolerated)', msg: message({}, [0xc0]) },
    { name: 'fewer records than the counts, ending at a record boundary (tolerated)', msg: message({ an: 1, ar: 2 }, record([0], QType.A, A), opt()), edns: true },
    { name: 'ARCOUNT 1 and nothing after the question (tolerated)', msg: message({ ar: 1 }) },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = parseRequest(Buffer.from(c.msg), 'udp', remote);
      if (c.rcode === undefined) {
        assert.ok(got instanceof Request, `expected a Request, got rcode ${(got as { rcode?: number }).rcode}`);
        assert.equal(got.edns !== null, c.edns ?? false, 'EDNS');
        assert.equal(got.qname, 'example.org.');
      } else {
        assert.ok(!(got instanceof Request), 'expected a fault');
        assert.deepEqual({ drop: got.drop, rcode: got.rcode, questionEnd: got.questionEnd }, { drop: false, rcode: c.rcode, questionEnd: FIRST });
      }
    });
  }
});

test('a message whose counts overstate its records gets them corrected, so nothing later reads past its end', () => {
  const req = parseRequest(message({ an: 1, ns: 1, ar: 2 }, record([0], QType.A, A), opt()).subarray(0, FIRST + 15), 'udp', remote);
  assert.ok(req instanceof Request);
  assert.deepEqual([req.msg.readUInt16BE(6), req.msg.readUInt16BE(8), req.msg.readUInt16BE(10)], [1, 0, 0]);
  assert.equal(req.edns, null);
});

test('a pointer loop in a record is caught within miekg/dns bounds: 126 pointers at most', async (t) => {
  // n pointers in a row: the first points at the question, each next one at the one before.
  // The first n - 1 sit in the RDATA of a record of an unknown type (skipped unread), the
  // owner name of the second record is the last one.
  const build = (n: number): Buffer => {
    const rdataStart = FIRST + 1 + 10; // after the first record's root owner and fixed fields
    const rdata: number[] = [];
    for (let i = 0; i < n - 1; i++) rdata.push(...pointer(i === 0 ? 12 : rdataStart + 2 * (i - 1)));
    const owner = pointer(n === 1 ? 12 : rdataStart + 2 * (n - 2));
    return message({ an: 1, ar: 1 }, record([0], 0xff00, rdata), record(owner, QType.A, A));
  };
  for (const [n, ok] of [[1, true], [126, true], [127, false]] as const) {
    await t.test(`${n} pointers`, () => assert.equal(parseRequest(build(n), 'udp', remote) instanceof Request, ok));
  }
});

test('names: 255 octets is the most, in the question and after it', async (t) => {
  // Labels of 63, 63, 63 and `last` octets, plus the root: 4 * 1 + 189 + last + 1 octets.
  const name = (last: number): number[] => [...[63, 63, 63, last].flatMap((n) => [n, ...Array<number>(n).fill(0x61)]), 0];
  const query = (qname: number[]): Buffer => Buffer.from([1, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...qname, 0, 1, 0, 1]);
  const owner = (qname: number[]): Buffer => message({ an: 1 }, record(qname, QType.A, A));
  for (const [last, ok] of [[61, true], [62, false]] as const) {
    await t.test(`${4 + 189 + last + 1} octets in the question`, () => assert.equal(parseRequest(query(name(last)), 'udp', remote) instanceof Request, ok));
    await t.test(`${4 + 189 + last + 1} octets in an owner name`, () => assert.equal(parseRequest(owner(name(last)), 'udp', remote) instanceof Request, ok));
  }
});

test('a NOTIMP answer keeps only QR and the opcode of the header flags (ISC genreport "opcodeflg")', async (t) => {
  // Opcode 15 with AA, TC, RD, RA, Z, AD and CD set: dig +opcode=15 +aaflag +tcflag +rec +raflag +zflag +ad +cd.
  const flags = [(15 << 3) | 0x07, 0xf0];
  const cases = [
    { name: 'header only', msg: Buffer.from([0xab, 0xcd, ...flags, 0, 0, 0, 0, 0, 0, 0, 0]), qd: 0 },
    { name: 'with a question (echoed, as BIND does)', msg: Buffer.from([0xab, 0xcd, ...flags, 0, 1, 0, 0, 0, 0, 0, 0, ...QUESTION]), qd: 1 },
    { name: 'with a question cut short (not echoed)', msg: Buffer.from([0xab, 0xcd, ...flags, 0, 1, 0, 0, 0, 0, 0, 0, ...QUESTION.slice(0, 6)]), qd: 0 },
    { name: 'with two questions', msg: Buffer.from([0xab, 0xcd, ...flags, 0, 2, 0, 0, 0, 0, 0, 0, ...QUESTION, ...QUESTION]), qd: 0 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const fault = parseRequest(c.msg, 'udp', remote);
      assert.ok(!(fault instanceof Request) && !fault.drop);
      const out = errorReply(c.msg, fault.questionEnd, fault.rcode, fault.edns);
      assert.equal(out.readUInt16BE(0), 0xabcd);
      assert.equal(out.readUInt16BE(2), 0x8000 | (15 << 11) | Rcode.NOTIMP);
      assert.deepEqual([out.readUInt16BE(4), out.readUInt16BE(6), out.readUInt16BE(8), out.readUInt16BE(10)], [c.qd, 0, 0, 0]);
      assert.equal(out.length, c.qd ? FIRST : 12);
    });
  }
});

test('a FORMERR or REFUSED answer to a QUERY keeps RD and CD, and no other flag', () => {
  const msg = message({ an: 2 });
  msg[2] = 0x07; // AA, TC, RD
  msg[3] = 0xf0; // RA, Z, AD, CD
  const fault = parseRequest(msg, 'udp', remote);
  assert.ok(!(fault instanceof Request));
  const out = errorReply(msg, fault.questionEnd, fault.rcode, fault.edns);
  assert.equal(out.readUInt16BE(2), 0x8000 | 0x0100 | 0x0010 | Rcode.FORMERR);
  assert.equal(errorReply(msg, FIRST, Rcode.REFUSED, null).readUInt16BE(2), 0x8000 | 0x0100 | 0x0010 | Rcode.REFUSED);
});
