import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { buildQuery, type ClientAuth, definePlugin, type Directive, type PluginDefinition, type ServerTls } from '../src/index.js';
import { decodeReply, exchangeTcp, exchangeTls, makeTestCertificates, standIn, startTestServer, type TestCertificates } from '../src/testing/index.js';
import { closesWithin, frame, holdSilentConnections } from './streams.js';

let certs: TestCertificates;
before(async () => {
  certs = await makeTestCertificates();
});
after(() => certs.remove());

/** `tls`: what ctx.tls gets, from the test's certificates (`clientAuth` as its argument says). */
function tlsPlugin(extra: Partial<ServerTls> = {}): PluginDefinition<Directive> {
  return definePlugin<Directive>({
    name: 'tls',
    parse: (d) => d,
    setup: (d, ctx) => ctx.tls({ cert: certs.server.cert.pem, key: certs.server.key.pem, ca: certs.ca.pem, clientAuth: (d.args[0]?.text ?? 'nocert') as ClientAuth, ...extra }, d),
  });
}

/** `answer`: A 192.0.2.1 with the transport and server label in a TXT; `big.` names get 40 TXT records (about 4 KB). */
const answer = standIn('answer', (req) => ({
  answers: Array.from({ length: req.qname.startsWith('big.') ? 40 : 1 }, () => ({ name: req.qnameRaw, type: 'TXT' as const, ttl: 30, data: `${req.transport} ${req.server} ${'x'.repeat(80)}` })),
}));

const tlsPort = (s: { server: { addresses(): { scheme: string; port: number }[] } }): number => s.server.addresses().find((a) => a.scheme === 'tls')!.port;

/** A TLS connection from `localAddress` that has finished its handshake (rejects when the handshake fails). */
function connectTls(port: number, localAddress = '127.0.0.1'): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const tcp = net.connect({ host: '127.0.0.1', port, localAddress });
    const socket = tls.connect({ socket: tcp, ca: certs.ca.pem, servername: 'localhost', ALPNProtocols: ['dot'] });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('DNS over TLS', () => {
  it('answers on ALPN dot and without ALPN, as transport tcp, whole (no truncation), labelled tls://', async () => {
    const s = await startTestServer('tls://.:0 {\n  tls\n  answer\n}', { plugins: [tlsPlugin(), answer] });
    try {
      const port = tlsPort(s);
      for (const alpn of [['dot'], []]) {
        const r = decodeReply(await exchangeTls(port, buildQuery('big.example.org', 16), { ca: certs.ca.pem, alpn }));
        assert.equal(r.packet.answers?.length, 40, `ALPN ${alpn.join(',') || 'none'}`);
        assert.equal(r.packet.flags! & 0x200, 0, 'TC');
        const txt = (r.packet.answers![0] as { data: Buffer[] }).data.map(String).join('');
        assert.match(txt, new RegExp(`^tcp tls://:${port} `));
      }
    } finally {
      await s.stop();
    }
  });

  it('refuses a client that offers only other ALPN protocols (h2) in the handshake', async () => {
    const s = await startTestServer('tls://.:0 {\n  tls\n  answer\n}', { plugins: [tlsPlugin(), answer] });
    try {
      await assert.rejects(exchangeTls(tlsPort(s), buildQuery('a.org', 1), { ca: certs.ca.pem, alpn: ['h2'] }), /no application protocol/);
    } finally {
      await s.stop();
    }
  });

  it('serves pipelined queries on one connection, beside dns:// of the same block', async () => {
    const s = await startTestServer('tls://.:0 dns://.:0 {\n  tls\n  answer\n}', { plugins: [tlsPlugin(), answer] });
    try {
      const socket = await connectTls(tlsPort(s));
      const ids = [1, 2, 3, 4, 5];
      socket.write(Buffer.concat(ids.map((id) => frame(buildQuery(`q${id}.org`, 16, { id })))));
      const got: number[] = [];
      let buf = Buffer.alloc(0);
      await new Promise<void>((resolve) => {
        socket.on('data', (chunk) => {
          buf = Buffer.concat([buf, chunk]);
          while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
            got.push(buf.readUInt16BE(2));
            buf = buf.subarray(2 + buf.readUInt16BE(0));
          }
          if (got.length === ids.length) resolve();
        });
      });
      socket.destroy();
      assert.deepEqual(got.sort(), ids);
      const plain = decodeReply(await exchangeTcp(s.port, buildQuery('a.org', 16)));
      assert.match((plain.packet.answers![0] as { data: Buffer[] }).data.map(String).join(''), /^tcp dns:\/\//);
    } finally {
      await s.stop();
    }
  });

  describe('client_auth', () => {
    const none = {};
    const signed = () => ({ cert: certs.client.cert.pem, key: certs.client.key.pem });
    const stranger = () => ({ cert: certs.stranger.cert.pem, key: certs.stranger.key.pem });
    // Each mode: is a client with no certificate, one the CA signed, and a stranger's let in? (Go's ClientAuthType semantics.)
    const table: readonly [ClientAuth, boolean, boolean, boolean][] = [
      ['nocert', true, true, true],
      ['request', true, true, true],
      ['require', false, true, true],
      ['verify_if_given', true, true, false],
      ['require_and_verify', false, true, false],
    ];
    for (const [mode, anonymous, withSigned, withStranger] of table) {
      it(`${mode}: no certificate ${anonymous ? 'in' : 'out'}, the CA's ${withSigned ? 'in' : 'out'}, a stranger's ${withStranger ? 'in' : 'out'}`, async () => {
        const s = await startTestServer(`tls://.:0 {\n  tls ${mode}\n  answer\n}`, { plugins: [tlsPlugin(), answer] });
        try {
          for (const [name, client, want] of [['no certificate', none, anonymous], ["the CA's", signed(), withSigned], ["a stranger's", stranger(), withStranger]] as const) {
            const asked = exchangeTls(tlsPort(s), buildQuery('a.org', 16), { ca: certs.ca.pem, ...client });
            if (want) assert.equal(decodeReply(await asked).rcode, 0, name);
            else await assert.rejects(asked, Error, name);
          }
        } finally {
          await s.stop();
        }
      });
    }
  });

  describe('connection limits, from the accept', () => {
    const limits = { tcp: { readTimeoutMs: 300, idleTimeoutMs: 600, writeTimeoutMs: 500 } };

    it('a connection that never starts its handshake is closed at the read timeout', async () => {
      const s = await startTestServer('tls://.:0 {\n  tls\n  answer\n}', { plugins: [tlsPlugin(), answer], ...limits });
      try {
        const socket = net.connect({ host: '127.0.0.1', port: tlsPort(s) });
        socket.on('error', () => {});
        const ms = await closesWithin(socket, 2000);
        assert.ok(ms >= 200 && ms < 1000, `closed after ${ms.toFixed(0)}ms`);
      } finally {
        await s.stop();
      }
    });

    it('a query that trickles in after the handshake is dropped at the read deadline; an idle connection at the idle timeout', async () => {
      const s = await startTestServer('tls://.:0 {\n  tls\n  answer\n}', { plugins: [tlsPlugin(), answer], ...limits });
      try {
        const dripping = await connectTls(tlsPort(s));
        dripping.on('error', () => {});
        const bytes = frame(buildQuery('a.org', 16));
        let i = 0;
        const drip = setInterval(() => i < bytes.length && dripping.write(bytes.subarray(i, ++i)), 50);
        const dripMs = await closesWithin(dripping, 2000);
        clearInterval(drip);
        assert.ok(dripMs < 700, `the dripping connection closed after ${dripMs.toFixed(0)}ms`);

        const idle = await connectTls(tlsPort(s));
        idle.write(frame(buildQuery('a.org', 16)));
        await new Promise((resolve) => idle.once('data', resolve));
        const idleMs = await closesWithin(idle, 2000);
        assert.ok(idleMs >= 450 && idleMs < 1200, `the idle connection closed after ${idleMs.toFixed(0)}ms`);
      } finally {
        await s.stop();
      }
    });

    it('one address holding 150 connections mid-handshake leaves the server answering it and others', async () => {
      const s = await startTestServer('tls://.:0 {\n  tls\n  answer\n}', { plugins: [tlsPlugin(), answer], tcp: { readTimeoutMs: 5000, idleTimeoutMs: 5000 } });
      let silent: net.Socket[] = [];
      try {
        const port = tlsPort(s);
        silent = await holdSilentConnections(port);
        for (const from of ['127.0.0.2', '127.0.0.1']) {
          const socket = await connectTls(port, from);
          socket.write(frame(buildQuery('a.org', 16)));
          await new Promise((resolve) => socket.once('data', resolve));
          socket.destroy();
        }
      } finally {
        for (const c of silent) c.destroy();
        await s.stop();
      }
    });
  });
});

describe('tls:// and https:// configuration', () => {
  const start = (corefile: string, plugins = [tlsPlugin(), answer]) => startTestServer(corefile, { plugins });
  const cases: readonly { corefile: string; error: RegExp }[] = [
    { corefile: 'tls://.:0 {\n  answer\n}', error: /^Corefile:1: key "tls:\/\/\.:0": DNS over TLS needs a certificate: add the tls directive to the block$/ },
    { corefile: 'tls://a.org:0 {\n  tls\n  answer\n}\ntls://b.org:0 {\n  tls require\n  answer\n}', error: /^Corefile:5: key "tls:\/\/b\.org:0": the blocks served on tls:\/\/:\d+ must have the same tls certificate, key, CA and client_auth$/ },
    { corefile: 'https://a.org:0 {\n  tls\n  answer\n}\nhttps://b.org:0 {\n  answer\n}', error: /^Corefile:5: key "https:\/\/b\.org:0": the blocks served on https:\/\/:\d+ must have the same tls/ },
    { corefile: '.:0 dns://a.org:0 {\n  tls\n  answer\n}', error: /^Corefile:2: tls: only tls:\/\/ and https:\/\/ server blocks use TLS; this block has neither \(keys: \.:0 dns:\/\/a\.org:0\)$/ },
  ];
  for (const c of cases) {
    it(c.error.source, async () => {
      await assert.rejects(start(c.corefile), (err: Error) => {
        assert.match(err.message, c.error);
        return true;
      });
    });
  }

  it('a second ctx.tls in one block is an error', async () => {
    const again = definePlugin<Directive>({ name: 'again', parse: (d) => d, setup: (d, ctx) => ctx.tls({ cert: certs.server.cert.pem, key: certs.server.key.pem, clientAuth: 'nocert' }, d) });
    await assert.rejects(start('tls://.:0 {\n  tls\n  again\n  answer\n}', [tlsPlugin(), again, answer]), /Corefile:3: again: TLS is already set for this server block$/);
  });

  it('blocks of one tls:// listener with the same TLS share it, each with its zones', async () => {
    const s = await start('tls://a.org:0 {\n  tls\n  answer\n}\ntls://b.org:0 {\n  tls\n  answer\n}');
    try {
      for (const name of ['x.a.org', 'x.b.org']) assert.equal(decodeReply(await exchangeTls(tlsPort(s), buildQuery(name, 16), { ca: certs.ca.pem })).rcode, 0, name);
      assert.equal(decodeReply(await exchangeTls(tlsPort(s), buildQuery('x.c.org', 16), { ca: certs.ca.pem })).rcode, 5, 'REFUSED');
    } finally {
      await s.stop();
    }
  });

  it('a reload keeps the listener and its open connections; new connections get the new certificate', async () => {
    let cert = certs.server.cert.pem;
    let key = certs.server.key.pem;
    const swappable = definePlugin<Directive>({ name: 'tls', parse: (d) => d, setup: (d, ctx) => ctx.tls({ cert, key, clientAuth: 'nocert' }, d) });
    const s = await start('tls://.:0 {\n  tls\n  answer\n}', [swappable, answer]);
    try {
      const port = tlsPort(s);
      const open = await connectTls(port);
      const fingerprint = (): Promise<string> =>
        new Promise((resolve, reject) => {
          const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['dot'] }, () => {
            resolve(socket.getPeerX509Certificate()!.fingerprint256);
            socket.destroy();
          });
          socket.once('error', reject);
        });
      const before = await fingerprint();
      await s.server.reload();
      assert.equal(tlsPort(s), port);
      assert.equal(await fingerprint(), before, 'the same certificate after a reload that changes nothing');
      [cert, key] = [certs.stranger.cert.pem, certs.stranger.key.pem];
      await s.server.reload();
      assert.equal(tlsPort(s), port, 'the same listener');
      assert.notEqual(await fingerprint(), before, 'the new certificate');
      open.write(frame(buildQuery('a.org', 16)));
      await new Promise((resolve) => open.once('data', resolve));
      open.destroy();
    } finally {
      await s.stop();
    }
  });
});
