import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventually, freePort, makeTestCertificates, readmeCorefiles, startTestServer, startTestUpstream, type TestServer } from '@chaindns/core/testing';
import { dnstapPlugin } from '../src/index.js';
import { accepts, type Capture, extrasOf, startCapture, type Tapped, tempDir } from './capture.js';
import { answer, bind, forward } from './stand-ins.js';

/** Short timers, so a test need not wait CoreDNS's seconds. */
const dnstap = dnstapPlugin({ timing: { flushMs: 10, retryMs: 50, retryMaxMs: 200, reportMs: 100, timeoutMs: 1000 } });
const plugins = [bind, dnstap, answer, forward];

const start = (body: string): Promise<TestServer> => startTestServer(`. {\n${body}\n}\n`, { plugins });

/** What a test checks of a message: its type, client or upstream, and question. */
const brief = (m: Tapped): string => `${m.type} ${m.protocol} ${m.queryAddress ?? '-'} ${m.responseAddress ?? '-'}:${m.responsePort ?? '-'} ${m.question ?? '-'}`;

test('fstrm_capture on a unix socket gets CLIENT_QUERY and CLIENT_RESPONSE of every query, with identity, version and the wire messages', async () => {
  const dir = tempDir();
  const capture = await startCapture({ unix: join(dir, 'tap.sock') }, join(dir, 'tap.fstrm'));
  const s = await start(`  bind\n  dnstap unix://${dir}/tap.sock full {\n    identity test-identity\n    version test-version\n  }\n  answer`);
  for (const transport of ['udp', 'tcp'] as const) await s.query('Example.org', 'A', { transport });
  await s.query('example.net', 'AAAA', { address: '::1' });
  await s.stop();
  const got = await capture.stop();
  assert.deepEqual(got.map(brief), [
    'CLIENT_QUERY UDP 127.0.0.1 -:- Example.org. IN A',
    'CLIENT_RESPONSE UDP 127.0.0.1 -:- Example.org. IN A',
    'CLIENT_QUERY TCP 127.0.0.1 -:- Example.org. IN A',
    'CLIENT_RESPONSE TCP 127.0.0.1 -:- Example.org. IN A',
    'CLIENT_QUERY UDP ::1 -:- example.net. IN AAAA',
    'CLIENT_RESPONSE UDP ::1 -:- example.net. IN AAAA',
  ]);
  assert.deepEqual(new Set(got.map((m) => `${m.identity} ${m.version}`)), new Set(['test-identity test-version']));
  assert.deepEqual(got.map((m) => m.family), ['INET', 'INET', 'INET', 'INET', 'INET6', 'INET6']);
  for (const m of got) assert.ok(m.queryPort! > 0 && m.queryTime, brief(m));
  for (const m of got.filter((x) => x.type === 'CLIENT_RESPONSE')) assert.ok(m.responseTime! >= m.queryTime!, `${m.responseTime} after ${m.queryTime}`);
});

test('fstrm_capture on TCP gets the messages without the wire messages, identity the host name and version chaindns-VERSION by default; extra carries placeholders', async () => {
  const dir = tempDir();
  const port = await freePort();
  const capture = await startCapture({ tcp: port }, join(dir, 'tap.fstrm'));
  const s = await start(`  dnstap tcp://127.0.0.1:${port} {\n    extra "{name} {type} from {remote} {rcode} {/forward/upstream}"\n  }\n  answer`);
  await s.query('example.org', 'MX');
  await s.stop();
  const got = await capture.stop();
  assert.deepEqual(got.map(brief), ['CLIENT_QUERY UDP 127.0.0.1 -:- -', 'CLIENT_RESPONSE UDP 127.0.0.1 -:- -']);
  const { hostname } = await import('node:os');
  assert.equal(got[0]!.identity, hostname());
  assert.match(got[0]!.version, /^chaindns-\d+\.\d+\.\d+$/);
  assert.deepEqual(extrasOf(capture.file), ['example.org. MX from 127.0.0.1 - -', 'example.org. MX from 127.0.0.1 - -']);
});

test('upstream exchanges reported through upstreamTap become FORWARDER_QUERY and FORWARDER_RESPONSE, between the client messages', async () => {
  const dir = tempDir();
  const upstream = await startTestUpstream({ records: ['example.org. 300 IN A 192.0.2.7'] });
  const capture = await startCapture({ unix: join(dir, 'tap.sock') }, join(dir, 'tap.fstrm'));
  const s = await start(`  dnstap ${dir}/tap.sock full\n  forward . 127.0.0.1:${upstream.port}`);
  assert.equal((await s.query('example.org', 'A')).packet.answers?.length, 1);
  await s.stop();
  await upstream.stop();
  assert.deepEqual((await capture.stop()).map(brief), [
    'CLIENT_QUERY UDP 127.0.0.1 -:- example.org. IN A',
    `FORWARDER_QUERY UDP - 127.0.0.1:${upstream.port} example.org. IN A`,
    `FORWARDER_RESPONSE UDP - 127.0.0.1:${upstream.port} example.org. IN A`,
    'CLIENT_RESPONSE UDP 127.0.0.1 -:- example.org. IN A',
  ]);
});

/** Resolves once a socat the listener refused has exited; fails when it is still connected after 5s. */
async function turnedAway(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const timer = setTimeout(() => child.kill('SIGTERM'), 5000);
  // socat ends by itself when the listener closes on it (after a TLS 1.3 handshake it may exit 0); killed, it was let in.
  const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  assert.equal(signal, null, 'the listener let the stranger in');
}

/** socat (Debian's socat) relaying between two sockets: a TLS server in front of a capture, or a sink for a listener. */
async function relay(args: string[]): Promise<{ stop(): Promise<void>; child: ChildProcess }> {
  const child = spawn('socat', args, { stdio: 'ignore' });
  return {
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

test('tls:// with skipverify reaches a TLS receiver; without it, a certificate no CA vouches for is refused and logged', async () => {
  const dir = tempDir();
  const certs = await makeTestCertificates();
  const port = await freePort();
  const capture = await startCapture({ unix: join(dir, 'tap.sock') }, join(dir, 'tap.fstrm'));
  const tls = await relay([`OPENSSL-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,cert=${certs.server.cert.path},key=${certs.server.key.path},verify=0`, `UNIX-CONNECT:${dir}/tap.sock`]);
  try {
    await eventually(() => accepts({ host: '127.0.0.1', port }), 3000, 'socat listening');
    const refused = await start(`  dnstap tls://127.0.0.1:${port}\n  answer`);
    await eventually(() => refused.logs.some((l) => /\[ERROR\] plugin\/dnstap: No connection to dnstap endpoint tls:\/\/127\.0\.0\.1:\d+: .*certificate/.test(l)), 3000, 'the refused certificate logged');
    await refused.stop();
    const s = await start(`  dnstap tls://127.0.0.1:${port} full {\n    skipverify\n  }\n  answer`);
    await s.query('example.org', 'A', { transport: 'tcp' });
    await s.stop();
  } finally {
    await tls.stop();
    await certs.remove();
  }
  assert.deepEqual((await capture.stop()).map(brief), ['CLIENT_QUERY TCP 127.0.0.1 -:- example.org. IN A', 'CLIENT_RESPONSE TCP 127.0.0.1 -:- example.org. IN A']);
});

test('when the receiver goes away and comes back, chaindns dials again and sends what waited meanwhile', async () => {
  const dir = tempDir();
  const sock = join(dir, 'tap.sock');
  let capture: Capture = await startCapture({ unix: sock }, join(dir, 'first.fstrm'));
  const s = await start(`  dnstap ${sock} full\n  answer`);
  try {
    await s.query('first.example', 'A');
    await new Promise((r) => setTimeout(r, 100));
    const first = await capture.stop();
    assert.deepEqual(first.map((m) => m.question), ['first.example. IN A', 'first.example. IN A']);
    await eventually(() => s.logs.some((l) => l.includes('[ERROR] plugin/dnstap: No connection to dnstap endpoint')), 2000, 'the lost receiver logged');
    await s.query('meanwhile.example', 'A');
    capture = await startCapture({ unix: sock }, join(dir, 'second.fstrm'));
    await eventually(() => s.logs.some((l) => l.includes('[INFO] plugin/dnstap: connected to dnstap endpoint')), 3000, 'the reconnect logged');
    await s.query('second.example', 'A');
  } finally {
    await s.stop();
  }
  const second = await capture.stop();
  assert.deepEqual(
    second.map((m) => `${m.type} ${m.question}`),
    ['meanwhile', 'meanwhile', 'second', 'second'].map((n, i) => `CLIENT_${i % 2 ? 'RESPONSE' : 'QUERY'} ${n}.example. IN A`),
  );
  assert.equal(s.logs.filter((l) => l.includes('No connection')).length, 1, 'one line per outage, not per attempt');
});

test('dnstap listen: receivers that connect (through socat, to fstrm_capture) get the messages, over a unix socket and TCP', async () => {
  const dir = tempDir();
  const port = await freePort();
  const unixCapture = await startCapture({ unix: join(dir, 'u.sock') }, join(dir, 'u.fstrm'));
  const tcpCapture = await startCapture({ unix: join(dir, 't.sock') }, join(dir, 't.fstrm'));
  const s = await start(`  dnstap listen ${dir}/listen.sock full\n  dnstap listen tcp://127.0.0.1:${port} {\n    identity tcp-listener\n  }\n  answer`);
  const sinks = [await relay([`UNIX-CONNECT:${dir}/listen.sock`, `UNIX-CONNECT:${dir}/u.sock`]), await relay([`TCP:127.0.0.1:${port}`, `UNIX-CONNECT:${dir}/t.sock`])];
  try {
    await eventually(() => s.logs.filter((l) => l.includes('a receiver connected to dnstap listener')).length === 2, 3000, 'both receivers connected');
    await s.query('example.org', 'A');
  } finally {
    await s.stop();
    await Promise.all(sinks.map((r) => r.stop()));
  }
  assert.equal(existsSync(join(dir, 'listen.sock')), false, 'the listener removes its socket');
  const viaUnix = await unixCapture.stop();
  const viaTcp = await tcpCapture.stop();
  assert.deepEqual(viaUnix.map(brief), ['CLIENT_QUERY UDP 127.0.0.1 -:- example.org. IN A', 'CLIENT_RESPONSE UDP 127.0.0.1 -:- example.org. IN A']);
  assert.deepEqual(viaTcp.map((m) => `${m.type} ${m.identity} ${m.question ?? '-'}`), ['CLIENT_QUERY tcp-listener -', 'CLIENT_RESPONSE tcp-listener -']);
});

test('every README example loads and answers, and its receivers get the client and forwarder messages', async (t) => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  const certs = await makeTestCertificates();
  const upstream = await startTestUpstream({ records: ['example.org. 300 IN A 192.0.2.7'] });
  try {
    for (const [i, example] of examples.entries()) {
      await t.test(`example ${i + 1}`, async () => {
        const dir = tempDir();
        const [tcpPort, tlsPort, listenPort] = [await freePort(), await freePort(), await freePort()];
        const corefile = example
          .replaceAll('/run/dnstap/', `${dir}/`)
          .replaceAll('127.0.0.1:6000', `127.0.0.1:${example.includes('tls://') ? tlsPort : tcpPort}`)
          .replaceAll('127.0.0.1:6001', `127.0.0.1:${listenPort}`)
          .replace('192.0.2.53', `127.0.0.1:${upstream.port}`);
        // A receiver for each outgoing endpoint: fstrm_capture, behind socat for TLS.
        const receivers: Capture[] = [];
        const relays: Array<{ stop(): Promise<void> }> = [];
        for (const [, endpoint] of corefile.matchAll(/dnstap (?!listen)(\S+)/g)) {
          if (endpoint!.startsWith('tcp://')) receivers.push(await startCapture({ tcp: tcpPort }, join(dir, 'tcp.fstrm')));
          else if (endpoint!.startsWith('tls://')) {
            receivers.push(await startCapture({ unix: join(dir, 'tls.sock') }, join(dir, 'tls.fstrm')));
            relays.push(await relay([`OPENSSL-LISTEN:${tlsPort},bind=127.0.0.1,reuseaddr,fork,cert=${certs.server.cert.path},key=${certs.server.key.path},verify=0`, `UNIX-CONNECT:${dir}/tls.sock`]));
            await eventually(() => accepts({ host: '127.0.0.1', port: tlsPort }), 3000, 'socat listening');
          } else receivers.push(await startCapture({ unix: endpoint!.replace('unix://', '') }, join(dir, `unix-${receivers.length}.fstrm`)));
        }
        const s = await startTestServer(corefile, { plugins });
        try {
          for (const transport of ['udp', 'tcp'] as const) assert.deepEqual((await s.query('example.org', 'A', { transport })).packet.answers?.map((a) => (a as { data?: unknown }).data), ['192.0.2.7']);
        } finally {
          await s.stop();
          await Promise.all(relays.map((r) => r.stop()));
        }
        assert.ok(receivers.length > 0 || corefile.includes('listen'));
        for (const receiver of receivers) {
          const types = (await receiver.stop()).map((m) => `${m.type} ${m.protocol}`);
          assert.deepEqual(types, ['UDP', 'TCP'].flatMap((p) => [`CLIENT_QUERY ${p}`, 'FORWARDER_QUERY UDP', 'FORWARDER_RESPONSE UDP', `CLIENT_RESPONSE ${p}`]), `${receiver.file}\n${s.logs.join('\n')}`);
        }
      });
    }
  } finally {
    await upstream.stop();
    await certs.remove();
  }
});

// A TLS listener with a CA: `stranger` holds a certificate the CA did not sign and is turned away;
// `receiver` (a certificate's owner, or none) connects and gets the messages.
const listenTlsCases: { name: string; options: string; receiver: 'client' | null; want: string[] }[] = [
  {
    name: 'with a CA: a receiver with a client certificate the CA signed gets the messages, a stranger is turned away',
    options: ' full {',
    receiver: 'client',
    want: ['CLIENT_QUERY UDP 127.0.0.1 -:- example.org. IN A', 'CLIENT_RESPONSE UDP 127.0.0.1 -:- example.org. IN A'],
  },
  {
    name: 'with a CA and skipverify: a receiver without a client certificate is let in, one with a certificate the CA did not sign is not',
    options: ' {\n    skipverify',
    receiver: null,
    want: ['CLIENT_QUERY UDP 127.0.0.1 -:- -', 'CLIENT_RESPONSE UDP 127.0.0.1 -:- -'],
  },
];
for (const c of listenTlsCases) {
  test(`dnstap listen tls:// ${c.name}`, async () => {
    const dir = tempDir();
    const certs = await makeTestCertificates();
    const port = await freePort();
    const capture = await startCapture({ unix: join(dir, 'c.sock') }, join(dir, 'c.fstrm'));
    const s = await start(`  dnstap listen tls://127.0.0.1:${port}${c.options}\n    tls ${certs.server.cert.path} ${certs.server.key.path} ${certs.ca.path}\n  }\n  answer`);
    const client = (who: 'client' | 'stranger' | null): string => `OPENSSL:127.0.0.1:${port},${who ? `cert=${certs[who].cert.path},key=${certs[who].key.path},` : ''}cafile=${certs.ca.path}`;
    const stranger = await relay([client('stranger'), `UNIX-CONNECT:${dir}/c.sock`]);
    const sink = await relay([client(c.receiver), `UNIX-CONNECT:${dir}/c.sock`]);
    try {
      await turnedAway(stranger.child);
      await eventually(() => s.logs.some((l) => l.includes('a receiver connected to dnstap listener')), 3000, 'the receiver connected');
      await s.query('example.org', 'A');
    } finally {
      await s.stop();
      await sink.stop();
      await certs.remove();
    }
    assert.equal(s.logs.filter((l) => l.includes('a receiver connected')).length, 1, s.logs.join('\n'));
    assert.deepEqual((await capture.stop()).map(brief), c.want);
  });
}
