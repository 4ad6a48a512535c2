import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery, parseRequest, QType, type Request } from '@chaindns/core';
import { makeRequest } from '@chaindns/core/testing';
import { upstreamQuery } from '../src/upstream-query.js';

function request(msg: Buffer): Request {
  const req = parseRequest(msg, 'udp', { address: '127.0.0.1', port: 5353, family: 4 });
  assert.ok(!('drop' in req), 'a valid query');
  return req as Request;
}

test('upstreamQuery: the header (ID, RD, AD, CD), the question and the OPT, nothing else', () => {
  const withOpt = buildQuery('Www.Example.org', QType.AAAA, { id: 0xabcd, edns: { udpSize: 4096, do: true } });
  const plain = buildQuery('example.org', QType.A, { id: 7 });
  const questionEnd = withOpt.length - 11;
  const flagged = Buffer.from(withOpt);
  flagged[2] = 0x07; // AA, TC, RD
  flagged[3] = 0x7f; // Z, AD, CD, rcode bits
  const expectedFlagged = Buffer.from(withOpt);
  expectedFlagged[3] = 0x30;
  // An NS record in the authority section before the OPT, and an A record after it.
  const authority = Buffer.from([0xc0, 12, 0, 2, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 12]);
  const additional = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
  const sections = Buffer.concat([withOpt.subarray(0, questionEnd), authority, withOpt.subarray(questionEnd), additional]);
  sections.writeUInt16BE(1, 8);
  sections.writeUInt16BE(2, 10);
  const cases: [string, Buffer, Buffer][] = [
    ['as it came', withOpt, withOpt],
    ['no OPT', plain, plain],
    ['junk after the last record', Buffer.concat([withOpt, Buffer.alloc(100, 0xff)]), withOpt],
    ['junk after a query without OPT', Buffer.concat([plain, Buffer.from('junk')]), plain],
    ['other flags cleared', flagged, expectedFlagged],
    ['other sections and records left out', sections, withOpt],
  ];
  for (const [name, msg, want] of cases) assert.deepEqual(upstreamQuery(request(msg)), want, name);
});

test('upstreamQuery keeps the question as the client wrote it (letter case) and its ID', () => {
  const req = makeRequest('MiXeD.example.ORG', 'TXT', { id: 0x1234 });
  const out = upstreamQuery(req);
  assert.deepEqual(out, req.msg);
  assert.notEqual(out, req.msg, 'a new buffer: the request keeps its bytes');
});
