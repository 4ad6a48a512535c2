import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QType, reply } from '@chaindns/core';
import { makeRequest, Recorder, serveWith } from '@chaindns/core/testing';
import { LoopDetector, type LoopEnv } from '../src/index.js';
import { probeTarget } from '../src/probe.js';

/** A timeout, as a send without a reply ends. */
const noReply = (timeoutMs: number): Promise<Buffer> => new Promise((_, reject) => setTimeout(() => reject(new Error('no reply')), timeoutMs).unref());

/** An env whose send answers after `delayMs` (never, when null: it times out), recording fatal errors and probes. */
function fakeEnv(delayMs: number | null): LoopEnv & { errors: Error[]; probes: string[] } {
  const errors: Error[] = [];
  const probes: string[] = [];
  return {
    errors,
    probes,
    fatal: (e) => void errors.push(e),
    send: (qname, _qtype, timeoutMs) => {
      probes.push(qname);
      return delayMs === null ? noReply(timeoutMs) : new Promise((r) => setTimeout(() => r(Buffer.alloc(12)), delayMs));
    },
  };
}

/** The detector's timers are unref'd (they must not hold a server's process open); hold the loop open while awaiting. */
async function held<T>(p: Promise<T>): Promise<T> {
  const keep = setInterval(() => {}, 1000);
  try {
    return await p;
  } finally {
    clearInterval(keep);
  }
}

const answered = (req: Parameters<typeof reply>[0], w: { write(m: Buffer): void }): number => (w.write(reply(req, { rcode: 3 })), 3);

test('the probe name is random below the zone', () => {
  assert.match(new LoopDetector('.', fakeEnv(0)).qname, /^\d{1,19}\.\d{1,19}\.$/);
  assert.match(new LoopDetector('example.org.', fakeEnv(0)).qname, /^\d+\.\d+\.example\.org\.$/);
  assert.notEqual(new LoopDetector('.', fakeEnv(0)).qname, new LoopDetector('.', fakeEnv(0)).qname);
});

test('seeing the probe come back once is a loop: fatal with CoreDNS message, and the chain stops there', async (t) => {
  const remotes = [
    { remote: { address: '127.0.0.1', port: 40000, family: 4 as const }, shown: '127.0.0.1:40000' },
    { remote: { address: '::1', port: 5353, family: 6 as const }, shown: '[::1]:5353' },
  ];
  for (const { remote, shown } of remotes) {
    await t.test(shown, async () => {
      const env = fakeEnv(0);
      const d = new LoopDetector('.', env);
      const probe = await serveWith(d.handler, makeRequest(d.qname, 'HINFO', { remote }), answered);
      assert.equal(probe.rcode, 3, 'the probe itself passes on');
      assert.equal(probe.recorder.writes, 1);
      assert.equal(env.errors.length, 0);
      const { rcode, recorder } = await serveWith(d.handler, makeRequest(d.qname, 'HINFO', { remote }), answered);
      assert.equal(rcode, 2);
      assert.equal(recorder.writes, 0, 'the probe that came back is not passed on');
      assert.equal(env.errors.length, 1);
      assert.equal(env.errors[0]!.message, `Loop (${shown} -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO ${d.qname}"`);
      await serveWith(d.handler, makeRequest(d.qname, 'HINFO', { remote }), answered);
      assert.equal(env.errors.length, 1, 'fatal is called once');
    });
  }
});

test('other names and types pass through uncounted', async () => {
  const env = fakeEnv(0);
  const d = new LoopDetector('.', env);
  const others = [makeRequest('1.2.', 'HINFO'), makeRequest(d.qname, 'A'), makeRequest(d.qname, 'TXT'), makeRequest('x.' + d.qname, 'HINFO')];
  for (let i = 0; i < 3; i++) for (const req of others) assert.equal(await serveWith(d.handler, req, answered).then((r) => r.rcode), 3);
  assert.equal(env.errors.length, 0);
  // Case does not hide the probe (DNS names compare without case; the digits have none anyway).
  for (let i = 0; i < 2; i++) await serveWith(d.handler, makeRequest(d.qname.toUpperCase(), 'HINFO'), answered);
  assert.equal(env.errors.length, 1);
});

test('a probe that gets a reply turns the detector off', async () => {
  const env = fakeEnv(5);
  const d = new LoopDetector('.', env, { attemptTimeoutMs: 200, retryDelayMs: 20, deadlineMs: 2000 });
  await held(d.probe());
  assert.deepEqual(env.probes, [d.qname]);
  assert.equal(d.enabled, false);
  for (let i = 0; i < 5; i++) await serveWith(d.handler, makeRequest(d.qname, 'HINFO'), answered);
  assert.equal(env.errors.length, 0, 'no query of death once off');
});

test('probes without a reply are retried until the deadline, each counted afresh, then the detector turns off', async () => {
  const errors: Error[] = [];
  let probes = 0;
  // Each probe goes through the handler, as through the server's chain, and gets no reply (an upstream that times out).
  const env: LoopEnv = {
    fatal: (e) => void errors.push(e),
    send: (qname, _qtype, timeoutMs) => {
      probes++;
      void d.handler.serveDNS(makeRequest(qname, 'HINFO'), new Recorder(), () => new Promise<number>(() => {}));
      return noReply(timeoutMs);
    },
  };
  const d: LoopDetector = new LoopDetector('.', env, { attemptTimeoutMs: 40, retryDelayMs: 20, deadlineMs: 300 });
  const started = Date.now();
  await held(d.probe());
  const took = Date.now() - started;
  assert.ok(took >= 280 && took < 600, `probing took ${took}ms`);
  assert.ok(probes >= 4 && probes <= 6, `${probes} probes`);
  assert.equal(errors.length, 0, 'a retried probe is not taken for one that came back');
  assert.equal(d.enabled, false);
});

test('stop ends probing at once', async () => {
  const env = fakeEnv(null);
  const d = new LoopDetector('.', env, { attemptTimeoutMs: 10_000, retryDelayMs: 10_000, deadlineMs: 30_000 });
  const probing = d.probe();
  setTimeout(() => d.stop(), 20);
  const started = Date.now();
  await held(probing);
  assert.ok(Date.now() - started < 500);
  assert.equal(env.probes.length, 1);
});

test('the probe goes to the listener: its address, or loopback when it listens on every address', () => {
  const cases: [string, { host: string; port: number }][] = [
    ['dns://:53', { host: '127.0.0.1', port: 53 }],
    ['dns://0.0.0.0:1053', { host: '127.0.0.1', port: 1053 }],
    ['dns://[::]:53', { host: '::1', port: 53 }],
    ['dns://127.0.0.5:53', { host: '127.0.0.5', port: 53 }],
    ['dns://[::1]:5353', { host: '::1', port: 5353 }],
  ];
  for (const [label, want] of cases) assert.deepEqual(probeTarget(label), want, label);
  assert.throws(() => probeTarget('nonsense'), /cannot tell where to send the probe/);
});

test('the handler does nothing for the probe type on other names', async () => {
  const d = new LoopDetector('example.org.', fakeEnv(0));
  assert.equal(QType.HINFO, 13);
  const { rcode } = await serveWith(d.handler, makeRequest('example.org', 'HINFO'), answered);
  assert.equal(rcode, 3);
});
