import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { buildQuery, parseRequest, QClass, Request } from '@chaindns/core';
import { endOfChain, serveWith } from '@chaindns/core/testing';
import { createChaos } from '../src/index.js';

/** A query in class `qclass` (the kit's builder asks in IN). */
export function classRequest(name: string, qtype: number, qclass: number): Request {
  const msg = buildQuery(name, qtype);
  msg.writeUInt16BE(qclass, msg.length - 2);
  const req = parseRequest(msg, 'udp', { address: '127.0.0.1', port: 40000, family: 4 });
  assert.ok(req instanceof Request);
  return req;
}

const handler = createChaos({ version: 'chaindns-test', authors: ['amy', 'bob', 'cat'] });
const txt = (msg: Buffer | null) => {
  assert.ok(msg);
  return msg;
};

test('CH TXT for the five names', async (t) => {
  const cases: { name: string; want: string[] }[] = [
    { name: 'version.bind', want: ['chaindns-test'] },
    { name: 'VERSION.server', want: ['chaindns-test'] },
    { name: 'authors.bind', want: ['amy', 'bob', 'cat'] },
    { name: 'hostname.bind', want: [hostname()] },
    { name: 'id.server', want: [hostname()] },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { rcode, recorder } = await serveWith(handler, classRequest(c.name, 16, QClass.CH));
      assert.equal(rcode, 0);
      txt(recorder.msg);
      const answers = recorder.packet().answers ?? [];
      assert.deepEqual(answers.map((a) => { const r = a as { name: string; class?: string; ttl?: number }; return [r.name, r.class, r.ttl]; }), c.want.map(() => [c.name, 'CH', 0]));
      assert.deepEqual(answers.map((a) => String((a as { data: Buffer[] }).data[0])).sort(), c.want);
    });
  }
});

test('anything else passes on: IN class, other types, other names', async () => {
  for (const req of [classRequest('version.bind', 16, QClass.IN), classRequest('version.bind', 1, QClass.CH), classRequest('example.org', 16, QClass.CH)]) {
    const { rcode, recorder } = await serveWith(handler, req, endOfChain);
    assert.equal(rcode, 2);
    assert.equal(recorder.writes, 0);
  }
});
