import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, PluginError, Rcode, reply } from '@chaindns/core';
import { exchangeUdp, startTestServer, type TestServer } from '@chaindns/core/testing';
import { loop } from '../src/index.js';

/** `relay`: sends every query over UDP to this server's own port: a forwarding loop on loopback. */
const relay = definePlugin<null>({
  name: 'relay',
  parse: () => null,
  setup(_, ctx) {
    return {
      name: 'relay',
      async serveDNS(req, w) {
        const port = Number(/:(\d+)$/.exec(ctx.server)?.[1]);
        try {
          w.write(await exchangeUdp(port, req.msg, { timeoutMs: 500 }));
          return 0;
        } catch (err) {
          throw new PluginError('relay', Rcode.SERVFAIL, `relay: ${String(err)}`);
        }
      },
    };
  },
});

/** `answer`: NXDOMAIN for everything, as an upstream that does not loop. */
const answer = definePlugin<null>({
  name: 'answer',
  parse: () => null,
  setup: () => ({ name: 'answer', serveDNS: (req, w) => (w.write(reply(req, { rcode: Rcode.NXDOMAIN })), Rcode.NXDOMAIN) }),
});

/**
 * `merge`: identical queries (name, type, transport) that arrive while one is
 * out wait for its reply instead of going down the chain, as the cache does.
 * In a loop, the second trip round joins the first and never reaches loop.
 */
const merge = definePlugin<null>({
  name: 'merge',
  parse: () => null,
  setup() {
    const flights = new Map<string, ((msg: Buffer | null) => void)[]>();
    return {
      name: 'merge',
      serveDNS(req, w, next) {
        const key = `${req.qname}|${req.qtype}|${req.transport}`;
        const waiting = flights.get(key);
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

const plugins = [merge, loop, relay, answer];

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
