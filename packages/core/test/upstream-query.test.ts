import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { encodeName, parseRequest, QClass, QType, Request, setId, upstreamQuery } from '../src/index.js';

const remote = { address: '127.0.0.1', port: 1, family: 4 as const };
const QUESTION = [...encodeName('WwW.Example.ORG.'), 0, 1, 0, 1];
const FIRST = 12 + QUESTION.length;
const COOKIE = [0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8];

/** ID 0xbeef; AA, TC, RD (byte 2) and RA, Z, AD, CD (byte 3) set as given; the question; then `rest`. */
function query(flags: [number, number], counts: [number, number, number], ...rest: number[][]): Buffer {
  return Buffer.from([0xbe, 0xef, ...flags, 0, 1, 0, counts[0], 0, counts[1], 0, counts[2], ...QUESTION, ...rest.flat()]);
}

function record(owner: number[], type: number, klass: number, ttl: number[], rdata: number[]): number[] {
  return [...owner, type >> 8, type & 0xff, klass >> 8, klass & 0xff, ...ttl, rdata.length >> 8, rdata.length & 0xff, ...rdata];
}

/** OPT: UDP size 1232, DO set, the options given. */
const opt = (owner: number[] = [0], options: number[] = COOKIE): number[] => record(owner, QType.OPT, 1232, [0, 0, 0x80, 0], options);
const tsig = record([...encodeName('key.')], QType.TSIG, 255, [0, 0, 0, 0], [1, 2, 3]);
const answer = record([0xc0, 12], QType.A, QClass.IN, [0, 0, 0, 60], [192, 0, 2, 1]);

function parse(msg: Buffer): Request {
  const req = parseRequest(msg, 'udp', remote);
  assert.ok(req instanceof Request);
  return req;
}

test('upstreamQuery keeps the header bits a resolver may pass on, the question and the OPT, and nothing else', () => {
  const msg = query([0x07, 0xf0], [1, 0, 2], answer, opt(), tsig, [0xde, 0xad]);
  const out = upstreamQuery(parse(msg));
  assert.equal(out.readUInt16BE(0), 0xbeef);
  assert.equal(out.readUInt16BE(2), 0x0100 | 0x0020 | 0x0010, 'RD, AD and CD; no AA, TC, RA or Z');
  assert.deepEqual([out.readUInt16BE(4), out.readUInt16BE(6), out.readUInt16BE(8), out.readUInt16BE(10)], [1, 0, 0, 1]);
  assert.deepEqual([...out.subarray(12, FIRST)], QUESTION, 'the question as sent, letter case kept');
  assert.deepEqual([...out.subarray(FIRST)], opt(), 'the OPT as sent, options and DO included');
  const again = parse(out);
  assert.deepEqual([again.qnameRaw, again.qtype, again.qclass, again.edns], ['WwW.Example.ORG.', QType.A, QClass.IN, { udpSize: 1232, version: 0, do: true }]);
  const packet = dnsPacket.decode(out);
  assert.deepEqual(packet.additionals?.map((r) => r.type), ['OPT']);
});

test('upstreamQuery without EDNS: the header and the question alone', () => {
  const out = upstreamQuery(parse(query([0x00, 0x00], [0, 0, 0], [1, 2, 3])));
  assert.equal(out.length, FIRST);
  assert.equal(out.readUInt16BE(2), 0);
  assert.deepEqual([out.readUInt16BE(4), out.readUInt16BE(10)], [1, 0]);
});

test('upstreamQuery writes the OPT with the root as owner, whatever owner the client gave it', () => {
  const out = upstreamQuery(parse(query([0x01, 0x00], [0, 0, 1], opt([0xc0, 12]))));
  assert.deepEqual([...out.subarray(FIRST)], opt([0]));
});

test('upstreamQuery keeps a question of another class, and an ID set after it', () => {
  const msg = query([0x01, 0x00], [0, 0, 0]);
  msg.writeUInt16BE(QClass.CH, FIRST - 2);
  const out = upstreamQuery(parse(msg));
  setId(out, 0x1234);
  assert.equal(out.readUInt16BE(0), 0x1234);
  assert.equal(out.readUInt16BE(FIRST - 2), QClass.CH);
  assert.equal(msg.readUInt16BE(0), 0xbeef, 'the client\'s message is left as it was');
});
