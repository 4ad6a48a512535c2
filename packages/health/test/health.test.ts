import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { HttpListener, Registry, sendText, silentLogger, type Logger, type ServerStatus } from '@chaindns/core';
import { freePort, eventually } from '@chaindns/core/testing';
import { healthAnswer, startProbe } from '../src/health.js';
import { healthMetrics } from '../src/metrics.js';

const status = (unhealthy: string[]): ServerStatus => ({ notReady: () => [], unhealthy: () => unhealthy, stopping: false });

test('/health answers OK, or 503 and the failing checks', () => {
  assert.deepEqual(healthAnswer(status([])), { status: 200, body: 'OK' });
  assert.deepEqual(healthAnswer(status(['etcd', 'kubernetes'])), { status: 503, body: 'etcd,kubernetes' });
});

/** A registry's probe counts: observations and failures. */
async function counts(registry: Registry): Promise<{ observed: number; failed: number }> {
  const text = await registry.metrics();
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
  return { observed: read('coredns_health_request_duration_seconds_count'), failed: read('coredns_health_request_failures_total') };
}

function collect(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  return { log: { ...silentLogger, warn: (m) => void warnings.push(m) }, warnings };
}

test('the probe times its own /health and counts nothing as failed while it answers', async () => {
  const endpoint = await HttpListener.open({ host: '127.0.0.1', port: 0 });
  after(() => endpoint.close());
  endpoint.serve('/health', (_req, res) => sendText(res, 200, 'OK'));
  const registry = new Registry();
  const { log, warnings } = collect();
  const probe = startProbe(`${endpoint.url}/health`, healthMetrics(registry), log, { intervalMs: 10 });
  await eventually(async () => (await counts(registry)).observed >= 3);
  probe.stop();
  assert.equal((await counts(registry)).failed, 0);
  assert.deepEqual(warnings, []);
});

test('a refused, a non-200 or a timed-out probe is a failure, with a warning', async (t) => {
  const deadPort = await freePort();
  const slow = http.createServer((_, res) => void setTimeout(() => res.end('OK'), 300));
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  const sick = await HttpListener.open({ host: '127.0.0.1', port: 0 });
  sick.serve('/health', (_req, res) => sendText(res, 503, 'kubernetes'));
  after(async () => {
    slow.closeAllConnections();
    await Promise.all([new Promise((r) => slow.close(r)), sick.close()]);
  });
  const slowUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}/health`;
  const cases = [
    { name: 'refused', url: `http://127.0.0.1:${deadPort}/health`, timeoutMs: 3000, warning: new RegExp(`^Local health request to "http://127\\.0\\.0\\.1:${deadPort}/health" failed: connect ECONNREFUSED`) },
    { name: 'unhealthy', url: `${sick.url}/health`, timeoutMs: 3000, warning: /failed: status 503$/ },
    { name: 'timed out', url: slowUrl, timeoutMs: 50, warning: /failed: .*(timeout|aborted)/i },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const registry = new Registry();
      const { log, warnings } = collect();
      const probe = startProbe(c.url, healthMetrics(registry), log, { intervalMs: 10, timeoutMs: c.timeoutMs });
      await eventually(async () => (await counts(registry)).failed >= 1);
      probe.stop();
      const { observed, failed } = await counts(registry);
      assert.equal(observed, failed, 'every failed probe is also timed');
      assert.match(warnings[0]!, c.warning);
    });
  }
});

test('a probe still running is not doubled, and stop() abandons it uncounted', async () => {
  let requests = 0;
  const slow = http.createServer((_, res) => {
    requests++;
    setTimeout(() => res.end('OK'), 200);
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  after(async () => {
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
  });
  const registry = new Registry();
  const { log, warnings } = collect();
  const probe = startProbe(`http://127.0.0.1:${(slow.address() as { port: number }).port}/health`, healthMetrics(registry), log, { intervalMs: 10 });
  await new Promise((r) => setTimeout(r, 100));
  probe.stop();
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(requests, 1);
  assert.deepEqual(await counts(registry), { observed: 0, failed: 0 });
  assert.deepEqual(warnings, []);
});
