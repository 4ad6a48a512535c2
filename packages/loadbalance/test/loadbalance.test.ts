import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reply, type ResponseWriter } from '@chaindns/core';
import { makeRequest, serveWith } from '@chaindns/core/testing';
import { createLoadbalance } from '../src/index.js';
import { seeded } from './wire.js';

const addresses = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];

test('the handler shuffles what the rest of the chain writes', async () => {
  const handler = createLoadbalance({ policy: 'round_robin', prefer: [] }, seeded(5));
  const seen = new Set<string>();
  for (let i = 0; i < 60; i++) {
    const req = makeRequest('example.org', 'A');
    const { rcode, recorder } = await serveWith(handler, req, (r, w) => {
      w.write(reply(r, { answers: addresses.map((data) => ({ name: 'example.org', type: 'A', ttl: 60, data })) }));
      return 0;
    });
    assert.equal(rcode, 0);
    const got = (recorder.packet().answers ?? []).map((a) => (a as { data: string }).data);
    assert.deepEqual([...got].sort(), addresses);
    seen.add(got.join(','));
  }
  assert.equal(seen.size, 6);
});

test('zone transfers pass through with the writer untouched', async () => {
  const handler = createLoadbalance({ policy: 'round_robin', prefer: [] });
  for (const type of ['AXFR', 'IXFR'] as const) {
    let given: ResponseWriter | null = null;
    const { recorder } = await serveWith(handler, makeRequest('example.org', type), (_r, w) => {
      given = w;
      return 2;
    });
    assert.equal(given, recorder, type);
  }
});
