import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, QType, Rcode } from '@chaindns/core';
import { selfRelay, standIn, startTestServer, type TestServer } from '@chaindns/core/testing';
import { loop } from '../src/index.js';

/** `relay`: a forwarder whose upstream is this server (a forwarding loop on loopback). */
const relay = selfRelay({ name: 'relay', timeoutMs: 500 });

/** `answer`: NXDOMAIN for everything, as an upstream that does not loop. */
const answer = standIn('answer', () => ({ rcode: Rcode.NXDOMAIN }));

/**
 * `merge`: identical queries (name, type, transport) that arrive while one is
 * out wait for its reply instead of going down the chain, as the cache does,
 * unless they come from one of the server's outbound sockets (ctx.outbound):
 * such a query is the one out come back through a loop, and would wait on
 * itself.
 */
const merge = definePlugin<null>({
  name: 'merge',
  parse: () => null,
  setup(_, ctx) {
    const flights = new Map<string, ((msg: Buffer | null) => void)[]>();
    return {
      name: 'merge',
      serveDNS(req, w, next) {
        const key = `${req.qname}|${req.qtype}|${req.transport}`;
        const waiting = flights.get(key);
        if (waiting && ctx.outbound.has(req.transport, req.remote)) return next(req, w);
        if (waiting) return new Promise<number>((resolve) => waiting.push((msg) => (msg ? (w.write(Buffer.from(msg)), resolve(0)) : resolve(Rcode.SERVFAIL))));
        const joined: ((msg: Buffer | null) => void)[] = [];
        flights.set(key, joined);
        let reply: Buffer | null = null;
        const done = (): void => {
          flights.delete(key);
          for (const deliver of joined) deliver(reply);
        };
        const result = Promise.resolve(next(req, { write: (msg) => ((reply = Buffer.from(msg)), w.write(msg)) }));
        void result.then(done, done);
        return result;
      },
    };
  },
});

/** `witness`: records how each HINFO query arrived, then passes it on. */
const seen: { qname: string; transport: string; port: number }[] = [];
const witness = definePlugin<null>({
  name: 'witness',
  parse: () => null,
  setup: () => ({
    name: 'witness',
    serveDNS: (req, w, next) => {
      if (req.qtype === QType.HINFO) seen.push({ qname: req.qname, transport: req.transport, port: req.remote.port });
      return next(req, w);
    },
  }),
});

const plugins = [merge, witness, loop, relay, answer];

/** Resolves with how `closed` settled, or 'running' after `ms`. */
async function outcome(s: TestServer, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      s.server.closed.then(
        () => 'stopped',
        (err: Error) => err.message,
      ),
      new Promise<string>((r) => (timer = setTimeout(() => r('running'), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const loopMessage = (port: number, zone: string): RegExp => {
  const below = zone === '.' ? '' : zone.replace(/\./g, '\\.');
  return new RegExp(`^Loop \\(127\\.0\\.0\\.1:\\d+ -> :${port}\\) detected for zone "${zone.replace(/\./g, '\\.')}", see https://coredns\\.io/plugins/loop#troubleshooting\\. Query: "HINFO \\d+\\.\\d+\\.${below}"$`);
};

test('a forwarding loop on loopback stops the server with the loop error', async (t) => {
  for (const zone of ['.', 'example.org.']) {
    await t.test(zone, async () => {
      const s = await startTestServer(`${zone} {\n  loop\n  relay\n}`, { plugins });
      try {
        const started = Date.now();
        const result = await outcome(s, 5000);
        assert.match(result, loopMessage(s.port, zone));
        assert.ok(Date.now() - started < 3000, `stopped after ${Date.now() - started}ms`);
        await assert.rejects(s.server.closed, { message: loopMessage(s.port, zone) });
        assert.ok(s.logs.some((l) => l.startsWith('[FATAL] plugin/loop: Loop (127.0.0.1:')), s.logs.join('\n'));
        await assert.rejects(s.query('example.org', 'A', { timeoutMs: 300 }), 'nothing listens any more');
      } finally {
        await s.stop();
      }
    });
  }
});

test('a loop behind a cache that merges identical queries in flight is found too', async () => {
  const s = await startTestServer('. {\n  merge\n  loop\n  relay\n}', { plugins });
  try {
    assert.match(await outcome(s, 5000), loopMessage(s.port, '.'));
  } finally {
    await s.stop();
  }
});

test('the probe goes out over UDP, from a socket of its own, to the listener, as CoreDNS\'s does', async () => {
  const s = await startTestServer('. {\n  witness\n  loop\n  answer\n}', { plugins });
  try {
    assert.equal(await outcome(s, 300), 'running');
    const probes = seen.filter((p) => /^\d+\.\d+\.$/.test(p.qname));
    assert.equal(probes.length, 1, JSON.stringify(seen));
    assert.equal(probes[0]!.transport, 'udp');
    assert.notEqual(probes[0]!.port, 0, 'a real socket');
  } finally {
    await s.stop();
  }
});

test('a config without a loop keeps running and answering', async () => {
  const s = await startTestServer('. {\n  loop\n  answer\n}', { plugins });
  try {
    assert.equal(await outcome(s, 500), 'running');
    assert.equal((await s.query('example.org', 'A')).rcode, Rcode.NXDOMAIN);
    // The detector is off now: the same HINFO names cannot stop the server later.
    for (let i = 0; i < 5; i++) await s.query('1.2.', 'HINFO');
    assert.equal(await outcome(s, 100), 'running');
  } finally {
    await s.stop();
  }
  await s.server.closed;
});

test('a reload into a looping config is probed once it serves, and stops the server', async () => {
  const s = await startTestServer('. {\n  loop\n  answer\n}', { plugins });
  try {
    assert.equal(await outcome(s, 300), 'running');
    await s.server.reload('. {\n  loop\n  relay\n}');
    assert.match(await outcome(s, 5000), loopMessage(s.port, '.'));
  } finally {
    await s.stop();
  }
});
