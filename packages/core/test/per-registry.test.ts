import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { perRegistry } from '../src/per-registry.js';

test('perRegistry creates a factory\'s metrics once per registry', async () => {
  let created = 0;
  const metrics = perRegistry((registry) => {
    created++;
    return new Counter({ name: 'test_total', help: 'h', registers: [registry] });
  });
  const a = new Registry();
  const b = new Registry();
  // A second registration of the same name in one registry would throw.
  metrics(a).inc();
  metrics(a).inc();
  metrics(b).inc();
  assert.equal(created, 2);
  assert.match(await a.metrics(), /test_total 2/);
  assert.match(await b.metrics(), /test_total 1/);
});

test('perRegistry runs a factory that returns nothing once per registry too', () => {
  let created = 0;
  const register = perRegistry((registry): void => {
    created++;
    new Counter({ name: 'test_total', help: 'h', registers: [registry] });
  });
  const a = new Registry();
  register(a);
  register(a);
  assert.equal(created, 1);
});
