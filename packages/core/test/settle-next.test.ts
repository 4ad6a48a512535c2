import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginError, type Next } from '../src/plugin.js';
import { settleNext } from '../src/settle-next.js';
import { makeRequest } from '../src/testing/recorder.js';
import { Rcode } from '../src/wire/constants.js';

const req = makeRequest('example.org', 'A');
const w = { write: () => {} };

function recorder() {
  const seen: { rcode: number; a: string; b: number; error: unknown }[] = [];
  return { seen, settled: (_: unknown, rcode: number, a: string, b: number, error?: unknown) => void seen.push({ rcode, a, b, error }) };
}

test('settleNext: a number settles at once and the result stays synchronous', () => {
  const r = recorder();
  assert.equal(settleNext(() => Rcode.NXDOMAIN, req, w, r.settled, 'a', 1), Rcode.NXDOMAIN);
  assert.deepEqual(r.seen, [{ rcode: Rcode.NXDOMAIN, a: 'a', b: 1, error: undefined }]);
});

test('settleNext: a throw settles with its rcode and is passed on', () => {
  const r = recorder();
  const boom = new PluginError('p', Rcode.REFUSED, 'no');
  assert.throws(() => settleNext(() => { throw boom; }, req, w, r.settled, 'a', 2), boom);
  assert.deepEqual(r.seen, [{ rcode: Rcode.REFUSED, a: 'a', b: 2, error: boom }]);
});

test('settleNext: a promise settles when it resolves or rejects', async () => {
  const r = recorder();
  const ok: Next = () => Promise.resolve(Rcode.NOERROR);
  const p = settleNext(ok, req, w, r.settled, 'x', 3);
  assert.equal(r.seen.length, 0);
  assert.equal(await p, Rcode.NOERROR);
  const crash = new Error('crash');
  await assert.rejects(Promise.resolve(settleNext(() => Promise.reject(crash), req, w, r.settled, 'y', 4)), crash);
  assert.deepEqual(r.seen, [
    { rcode: Rcode.NOERROR, a: 'x', b: 3, error: undefined },
    { rcode: Rcode.SERVFAIL, a: 'y', b: 4, error: crash },
  ]);
});
