import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Flag, NO_REPLY, Rcode } from '@chaindns/core';
import { A, AAAA, assertCase, makeRequest, serveWith } from '@chaindns/core/testing';
import { createErratic } from '../src/index.js';

const config = { drop: 0, truncate: 0, delay: 0, duration: 0, large: false };

test('erratic answers A and AAAA authoritatively, SERVFAIL for other types', async () => {
  const e = createErratic(config);
  const a = await serveWith(e, makeRequest('Example.org', 'A'));
  assertCase(a.recorder.packet(), { qname: 'Example.org.', qtype: 'A', answer: [A('Example.org. 0 IN A 192.0.2.53')] });
  assert.ok(a.recorder.msg![2]! & (Flag.AA >> 8));
  const aaaa = await serveWith(e, makeRequest('example.org', 'AAAA'));
  assertCase(aaaa.recorder.packet(), { qname: 'example.org.', qtype: 'AAAA', answer: [AAAA('example.org. 0 IN AAAA 2001:db8::53')] });
  const mx = await serveWith(e, makeRequest('example.org', 'MX'));
  assert.deepEqual([mx.rcode, mx.recorder.writes], [Rcode.SERVFAIL, 0]);
});

test('erratic drops, truncates and delays 1 query in N, counting from the first', async () => {
  const seen = async (c: Partial<typeof config>, n: number) => {
    const e = createErratic({ ...config, ...c });
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const started = Date.now();
      const { rcode, recorder } = await serveWith(e, makeRequest('example.org', 'A'));
      out.push(rcode === NO_REPLY ? 'drop' : recorder.msg![2]! & (Flag.TC >> 8) ? 'tc' : Date.now() - started >= 40 ? 'slow' : 'ok');
    }
    return out;
  };
  assert.deepEqual(await seen({ drop: 3 }, 6), ['drop', 'ok', 'ok', 'drop', 'ok', 'ok']);
  assert.deepEqual(await seen({ truncate: 2 }, 4), ['tc', 'ok', 'tc', 'ok']);
  assert.deepEqual(await seen({ delay: 3, duration: 50 }, 4), ['slow', 'ok', 'ok', 'slow']);
  assert.deepEqual(await seen({ drop: 2, truncate: 3 }, 6), ['drop', 'ok', 'drop', 'tc', 'drop', 'ok']);
});

test('erratic: large answers A with 30 records; AXFR is a small zone, without its closing SOA when truncated', async () => {
  const large = await serveWith(createErratic({ ...config, large: true }), makeRequest('example.org', 'A'));
  assert.equal(large.recorder.packet().answers?.length, 30);
  const e = createErratic({ ...config, truncate: 2 });
  const types = async () => (await serveWith(e, makeRequest('example.org', 'AXFR', { transport: 'tcp' }))).recorder.packet().answers?.map((r) => r.type);
  assert.deepEqual(await types(), ['SOA', 'NS', 'NS', 'AAAA', 'AAAA']);
  assert.deepEqual(await types(), ['SOA', 'NS', 'NS', 'AAAA', 'AAAA', 'SOA']);
});

test('erratic is ready while it has seen 3 or 4 queries, and offers a search path', async () => {
  const e = createErratic(config);
  const states: boolean[] = [];
  for (let i = 0; i < 6; i++) {
    states.push(e.ready());
    await serveWith(e, makeRequest('example.org', 'A'));
  }
  assert.deepEqual(states, [false, false, false, true, true, false]);
  assert.deepEqual(e.searchPath(makeRequest('example.org', 'A')), ['a.example.org.', 'b.example.org.', '.']);
});
