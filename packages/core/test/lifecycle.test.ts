import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { buildQuery, configError, definePlugin, expectArgs, PluginRegistry, reply, Server, silentLogger } from '../src/index.js';
import { type Reply, startTestServer } from '../src/testing/index.js';

const firstA = (r: Reply): string | undefined => (r.packet.answers?.[0] as { data?: string } | undefined)?.data;

/** `answer IP`: answers every A query with IP, and records its lifecycle in `events`. */
function answerPlugin(events: string[]) {
  return definePlugin<string>({
    name: 'answer',
    parse(d) {
      const [ip] = expectArgs(d, 1, 1);
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip!.text)) configError(ip!, `answer: "${ip!.text}" is not an IPv4 address`);
      return ip!.text;
    },
    setup(ip, ctx) {
      events.push(`setup ${ip}`);
      ctx.onStartup(() => void events.push(`startup ${ip}`));
      ctx.onShutdown(() => void events.push(`shutdown ${ip}`));
      ctx.onFinalShutdown(() => void events.push(`final ${ip}`));
      return {
        name: 'answer',
        serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: ip }] })), 0),
      };
    },
  });
}

test('start runs setup, then startup hooks, then listens; stop runs the lameduck, closes, then shutdown hooks', async () => {
  const events: string[] = [];
  const s = await startTestServer('. {\n  answer 10.0.0.1\n}', { plugins: [answerPlugin(events)] });
  assert.deepEqual(events, ['setup 10.0.0.1', 'startup 10.0.0.1']);
  assert.equal(firstA(await s.query('a.example', 'A')), '10.0.0.1');
  await s.stop();
  assert.deepEqual(events.slice(2), ['final 10.0.0.1', 'shutdown 10.0.0.1']);
  await assert.rejects(s.query('a.example', 'A', { timeoutMs: 300 }));
});

test('a reload swaps configs without losing a query; a broken one keeps the old serving', async () => {
  const events: string[] = [];
  const s = await startTestServer('. {\n  answer 10.0.0.1\n}', { plugins: [answerPlugin(events)] });
  try {
    // A steady stream of UDP queries through the swap.
    const sock = dgram.createSocket('udp4');
    const answers = new Map<number, string>();
    sock.on('message', (m) => answers.set(m.readUInt16BE(0), `${m[m.length - 4]}.${m[m.length - 3]}.${m[m.length - 2]}.${m[m.length - 1]}`));
    let sent = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 20 && sent < 2000; i++) sock.send(buildQuery('x.example', 1, { id: sent++ }), s.port, '127.0.0.1');
    }, 2);
    await new Promise((r) => setTimeout(r, 50));
    await s.server.reload('. {\n  answer 10.0.0.2\n}');
    await new Promise((r) => setTimeout(r, 100));
    clearInterval(timer);
    await new Promise((r) => setTimeout(r, 200));
    sock.close();
    assert.equal(answers.size, sent, `all ${sent} queries answered`);
    const values = new Set(answers.values());
    assert.deepEqual([...values].sort(), ['10.0.0.1', '10.0.0.2']);
    assert.ok(events.indexOf('startup 10.0.0.2') < events.indexOf('shutdown 10.0.0.1'), 'the new config starts before the old stops');
    assert.ok(!events.includes('final 10.0.0.1'), 'a reload is not a final shutdown');

    for (const broken of ['. {\n  answer 10.0.0.3\n', '. {\n  answer nope\n}', '. {\n  nosuch\n}']) {
      await assert.rejects(s.server.reload(broken), /Corefile:\d+/);
      assert.equal(firstA(await s.query('a.example', 'A')), '10.0.0.2');
    }
  } finally {
    await s.stop();
  }
});

test('a config that fails startup does not start, and leaves nothing listening', async () => {
  const failing = definePlugin<null>({
    name: 'failing',
    parse: () => null,
    setup: (_, ctx) => ctx.onStartup(() => Promise.reject(new Error('no backend'))),
  });
  const server = new Server({ corefile: '.:0 {\n  failing\n}', plugins: new PluginRegistry(['failing'], [failing]), logger: silentLogger, defaultAddresses: ['127.0.0.1'] });
  await assert.rejects(server.start(), /startup failed: no backend/);
  assert.deepEqual(server.addresses(), []);
});

test('shared resources are created once, kept across a reload, disposed with the last holder', async () => {
  const log: string[] = [];
  const user = definePlugin<null>({
    name: 'user',
    parse: () => null,
    async setup(_, ctx) {
      await ctx.shared('thing', () => (log.push('create'), 'v'), () => void log.push('dispose'));
    },
  });
  const s = await startTestServer('a.example {\n  user\n}\nb.example {\n  user\n}', { plugins: [user] });
  assert.deepEqual(log, ['create']);
  await s.server.reload('a.example {\n  user\n}');
  assert.deepEqual(log, ['create']);
  await s.stop();
  assert.deepEqual(log, ['create', 'dispose']);
});

test('readiness and health checks are served through server.status, live across reloads', async () => {
  let ready = false;
  const gate = definePlugin<string>({
    name: 'gate',
    parse: (d) => expectArgs(d, 1, 1)[0]!.text,
    setup: (name, ctx) => {
      ctx.registerReady(name, () => ready);
      ctx.registerHealth(name, () => true);
    },
  });
  const s = await startTestServer('. {\n  gate one\n}', { plugins: [gate] });
  assert.deepEqual(s.server.status.notReady(), ['one']);
  ready = true;
  assert.deepEqual(s.server.status.notReady(), []);
  ready = false;
  await s.server.reload('. {\n  gate two\n}');
  assert.deepEqual(s.server.status.notReady(), ['two']);
  await s.stop();
  assert.deepEqual(s.server.status.notReady(), ['shutdown']);
});

test('ctx.fatal stops the server and rejects server.closed', async () => {
  const doomed = definePlugin<null>({
    name: 'doomed',
    parse: () => null,
    setup: (_, ctx) => ctx.onStartup(() => void setTimeout(() => ctx.fatal(new Error('loop detected')), 10)),
  });
  const s = await startTestServer('. {\n  doomed\n}', { plugins: [doomed] });
  await assert.rejects(s.server.closed, /loop detected/);
  assert.ok(s.logs.some((l) => l.startsWith('[FATAL] plugin/doomed: loop detected')));
});

test('ctx.fatal stops at once, as CoreDNS exits: no lameduck, no wait for the queries in flight', async () => {
  let lameduck = false;
  const doomed = definePlugin<null>({
    name: 'doomed',
    parse: () => null,
    setup: (_, ctx) => {
      ctx.onFinalShutdown(() => new Promise<void>((resolve) => ((lameduck = true), setTimeout(resolve, 3000))));
      // A query that never gets its answer (as in a forwarding loop), and the fatal error meanwhile.
      return { name: 'doomed', serveDNS: () => (setTimeout(() => ctx.fatal(new Error('loop detected')), 10), new Promise<number>(() => {})) };
    },
  });
  const s = await startTestServer('. {\n  doomed\n}', { plugins: [doomed], drainTimeoutMs: 3000 });
  const start = performance.now();
  const pending = s.query('a.example', 'A', { timeoutMs: 4000 }).catch(() => null);
  await assert.rejects(s.server.closed, /loop detected/);
  assert.ok(performance.now() - start < 1000, `stopped after ${Math.round(performance.now() - start)}ms`);
  assert.equal(lameduck, false, 'the lameduck is skipped');
  assert.equal(s.server.status.stopping, true);
  await pending;
});

test('ctx.resolve sends a query through the server in process', async () => {
  let resolved: Buffer | null = null;
  const asker = definePlugin<null>({
    name: 'asker',
    parse: () => null,
    setup: (_, ctx) => {
      ctx.onStartup(async () => {
        resolved = await ctx.resolve('probe.example.', 1);
      });
      return { name: 'asker', serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '10.1.1.1' }] })), 0) };
    },
  });
  const s = await startTestServer('. {\n  asker\n}', { plugins: [asker] });
  await s.stop();
  assert.ok(resolved);
  assert.equal((resolved as Buffer).readUInt8((resolved as Buffer).length - 1), 1);
});

test('ctx.resolve with the query that asked: its DO bit goes along, and a loop through the server ends after eight hops', async () => {
  const seen: { qname: string; hops: number; do: boolean }[] = [];
  // `alias` answers a.example by asking for b.example through the server, and b.example by asking for a.example: a CNAME loop.
  const alias = definePlugin<null>({
    name: 'alias',
    parse: () => null,
    setup: (_, ctx) => ({
      name: 'alias',
      async serveDNS(req, w) {
        seen.push({ qname: req.qname, hops: req.hops, do: req.do });
        try {
          w.write(Buffer.from(await ctx.resolve(req.qname === 'a.example.' ? 'b.example.' : 'a.example.', req.qtype, req)));
          return 0;
        } catch (err) {
          seen.push({ qname: String((err as { code?: string }).code), hops: -1, do: false });
          return 2;
        }
      },
    }),
  });
  const s = await startTestServer('. {\n  alias\n}', { plugins: [alias] });
  try {
    const r = await s.query('a.example', 'A', { edns: { udpSize: 1232, do: true }, timeoutMs: 3000 });
    assert.equal(r.rcode, 2);
    assert.deepEqual(
      seen.map((x) => x.hops),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, -1],
    );
    assert.ok(seen.slice(0, 9).every((x) => x.do), 'every hop carries DO');
    assert.equal(seen[9]!.qname, 'CHAINDNS_RESOLVE_LOOP');
  } finally {
    await s.stop();
  }
});

test('a query still in flight past the drain timeout finishes quietly after stop (no send on a closed socket)', async () => {
  let finish: (() => void) | null = null;
  const slow = definePlugin<null>({
    name: 'slow',
    parse: () => null,
    setup: () => ({
      name: 'slow',
      serveDNS: (req, w) => new Promise<number>((resolve) => (finish = () => resolve((w.write(reply(req)), 0)))),
    }),
  });
  const s = await startTestServer('. {\n  slow\n}', { plugins: [slow], drainTimeoutMs: 50 });
  const client = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => client.send(buildQuery('slow.example', 1), s.port, '127.0.0.1', () => resolve()));
  while (!finish) await new Promise((r) => setTimeout(r, 5));
  await s.stop();
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown): void => void unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  try {
    (finish as () => void)();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off('unhandledRejection', onUnhandled);
    // Open until here: it keeps the event loop alive while stop() waits on its (unref'd) drain timer.
    client.close();
  }
  assert.deepEqual(unhandled, []);
});
