import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildQuery, definePlugin, type Directive, reply, type Request } from '../src/index.js';
import { dohMaxAge } from '../src/server/doh.js';
import { decodeReply, exchangeHttps, type HttpsRequest, makeTestCertificates, startTestServer, type TestCertificates, type TestServer } from '../src/testing/index.js';
import { closesWithin, holdSilentConnections } from './streams.js';

let certs: TestCertificates;
before(async () => {
  certs = await makeTestCertificates();
});
after(() => certs.remove());

const tlsPlugin = definePlugin<Directive>({
  name: 'tls',
  parse: (d) => d,
  setup: (d, ctx) => ctx.tls({ cert: certs.server.cert.pem, key: certs.server.key.pem, ca: certs.ca.pem, clientAuth: 'nocert' }, d),
});

/** `answer`: A 192.0.2.1 (TTL 300) and a TXT of the transport and server label (TTL 60); `slow.` names after 300 ms. */
const answer = definePlugin<null>({
  name: 'answer',
  parse: () => null,
  setup: () => ({
    name: 'answer',
    serveDNS(req: Request, w) {
      const write = (): number => {
        w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 300, data: '192.0.2.1' }, { name: req.qnameRaw, type: 'TXT', ttl: 60, data: `${req.transport} ${req.server}` }] }));
        return 0;
      };
      return req.qname.startsWith('slow.') ? new Promise((resolve) => setTimeout(() => resolve(write()), 300)) : write();
    },
  }),
});

const httpsPort = (s: TestServer): number => s.server.addresses().find((a) => a.scheme === 'https')!.port;

function withServer(corefile: string, run: (s: TestServer, port: number) => Promise<void>, options: { tcp?: Record<string, number> } = {}): () => Promise<void> {
  return async () => {
    const s = await startTestServer(corefile, { plugins: [tlsPlugin, answer], ...options });
    try {
      await run(s, httpsPort(s));
    } finally {
      await s.stop();
    }
  };
}

const query = buildQuery('www.example.org', 1);

describe('DNS over HTTPS', () => {
  for (const protocol of ['h2', 'http/1.1'] as const) {
    for (const method of ['GET', 'POST'] as const) {
      it(
        `${method} over ${protocol}: 200, application/dns-message, max-age of the smallest TTL, transport tcp, labelled https://`,
        withServer('https://.:0 {\n  tls\n  answer\n}', async (_s, port) => {
          const res = await exchangeHttps(port, { method, msg: query, protocol }, { ca: certs.ca.pem });
          assert.equal(res.protocol, protocol === 'h2' ? 'h2' : 'http/1.1');
          assert.equal(res.status, 200);
          assert.equal(res.headers['content-type'], 'application/dns-message');
          assert.equal(res.headers['cache-control'], 'max-age=60');
          assert.match(String(res.headers.date), /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
          const r = decodeReply(res.body);
          assert.equal(r.packet.id, query.readUInt16BE(0));
          assert.equal((r.packet.answers![1] as { data: Buffer[] }).data.map(String).join(''), `tcp https://:${port}`);
        }),
      );
    }
  }

  const refusals: readonly { name: string; request: HttpsRequest; status: number; allow?: string }[] = [
    { name: 'a path other than /dns-query', request: { path: `/resolve?dns=${query.toString('base64url')}` }, status: 404 },
    { name: 'a path with a trailing slash', request: { path: `/dns-query/?dns=${query.toString('base64url')}` }, status: 404 },
    { name: 'GET without dns', request: { path: '/dns-query?name=a.org' }, status: 400 },
    { name: 'GET with two dns', request: { path: `/dns-query?dns=${query.toString('base64url')}&dns=${query.toString('base64url')}` }, status: 400 },
    { name: 'GET with characters outside base64url', request: { path: '/dns-query?dns=AAAB!AAA' }, status: 400 },
    { name: 'GET with base64 padding', request: { path: `/dns-query?dns=${query.toString('base64url')}==` }, status: 400 },
    { name: 'GET with standard base64 (+ and /)', request: { path: '/dns-query?dns=q%2Bq%2F' }, status: 400 },
    { name: 'GET of a message shorter than a header', request: { path: '/dns-query?dns=AAAB' }, status: 400 },
    { name: 'GET of a response (QR set)', request: { path: `/dns-query?dns=${Buffer.from([0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0]).toString('base64url')}` }, status: 400 },
    { name: 'POST of text/plain', request: { method: 'POST', msg: query, contentType: 'text/plain' }, status: 415 },
    { name: 'POST without a body', request: { method: 'POST' }, status: 400 },
    { name: 'POST of a body longer than a DNS message', request: { method: 'POST', msg: Buffer.alloc(70_000) }, status: 400 },
    { name: 'PUT', request: { method: 'PUT', msg: query }, status: 405, allow: 'GET, POST' },
    { name: 'HEAD', request: { method: 'HEAD', path: `/dns-query?dns=${query.toString('base64url')}` }, status: 405, allow: 'GET, POST' },
  ];
  for (const r of refusals) {
    it(
      `${r.name}: ${r.status}`,
      withServer('https://.:0 {\n  tls\n  answer\n}', async (_s, port) => {
        for (const protocol of ['h2', 'http/1.1'] as const) {
          const res = await exchangeHttps(port, { ...r.request, protocol }, { ca: certs.ca.pem });
          assert.equal(res.status, r.status, protocol);
          assert.equal(res.headers['allow'], r.allow, protocol);
        }
      }),
    );
  }

  it(
    'a malformed question gets its DNS answer (FORMERR), as over TCP',
    withServer('https://.:0 {\n  tls\n  answer\n}', async (_s, port) => {
      const bad = Buffer.from(query);
      bad[12] = 70; // a label longer than 63
      const res = await exchangeHttps(port, { method: 'POST', msg: bad }, { ca: certs.ca.pem });
      assert.equal(res.status, 200);
      assert.equal(decodeReply(res.body).rcode, 1);
    }),
  );

  it(
    'a server without DoH has no coredns_dns_https_responses_total (CoreDNS shows it only once it counts)',
    async () => {
      const s = await startTestServer('.:0 {\n  answer\n}', { plugins: [tlsPlugin, answer] });
      try {
        assert.doesNotMatch(await s.server.registry.metrics(), /coredns_dns_https_responses_total/);
      } finally {
        await s.stop();
      }
    },
  );

  it(
    'counts responses by status in coredns_dns_https_responses_total',
    withServer('https://.:0 {\n  tls\n  answer\n}', async (s, port) => {
      await exchangeHttps(port, { msg: query }, { ca: certs.ca.pem });
      await exchangeHttps(port, { msg: query, protocol: 'http/1.1' }, { ca: certs.ca.pem });
      await exchangeHttps(port, { path: '/' }, { ca: certs.ca.pem });
      const text = await s.server.registry.metrics();
      assert.match(text, new RegExp(`coredns_dns_https_responses_total\\{server="https://:${port}",status="200"\\} 2`));
      assert.match(text, new RegExp(`coredns_dns_https_responses_total\\{server="https://:${port}",status="404"\\} 1`));
    }),
  );

  it(
    'without tls, https:// serves HTTP/1.1 in the clear (behind a proxy that terminates TLS)',
    withServer('https://.:0 {\n  answer\n}', async (_s, port) => {
      for (const method of ['GET', 'POST'] as const) {
        const res = await exchangeHttps(port, { method, msg: query, protocol: 'http' });
        assert.equal(res.status, 200, method);
        assert.equal(decodeReply(res.body).packet.answers?.length, 2);
      }
    }),
  );

  it(
    'many streams of one HTTP/2 connection are served at once',
    withServer('https://.:0 {\n  tls\n  answer\n}', async (_s, port) => {
      const session = http2.connect(`https://127.0.0.1:${port}`, { ca: certs.ca.pem, servername: 'localhost' });
      const started = performance.now();
      const statuses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          new Promise<number>((resolve, reject) => {
            const stream = session.request({ ':path': `/dns-query?dns=${buildQuery(`slow${i}.slow.org`, 1).toString('base64url')}` });
            stream.on('response', (h) => resolve(Number(h[':status'])));
            stream.on('error', reject);
            stream.resume();
          }),
        ),
      );
      session.close();
      assert.deepEqual(new Set(statuses), new Set([200]));
      const ms = performance.now() - started;
      assert.ok(ms < 1500, `50 answers of 300 ms each took ${ms.toFixed(0)}ms`);
    }),
  );

  describe('connection limits, from the accept', () => {
    const tcp = { readTimeoutMs: 300, idleTimeoutMs: 600, writeTimeoutMs: 500 };

    it(
      'a connection that never starts its handshake is closed at the read timeout; an idle HTTP/2 session at the idle timeout',
      withServer(
        'https://.:0 {\n  tls\n  answer\n}',
        async (_s, port) => {
          const silent = net.connect({ host: '127.0.0.1', port });
          silent.on('error', () => {});
          const silentMs = await closesWithin(silent, 2000);
          assert.ok(silentMs >= 200 && silentMs < 1000, `the silent connection closed after ${silentMs.toFixed(0)}ms`);

          const session = http2.connect(`https://127.0.0.1:${port}`, { ca: certs.ca.pem, servername: 'localhost' });
          session.on('error', () => {});
          await new Promise<void>((resolve) => {
            const stream = session.request({ ':path': `/dns-query?dns=${query.toString('base64url')}` });
            stream.resume();
            stream.on('end', resolve);
          });
          const started = performance.now();
          await new Promise((resolve) => session.once('close', resolve));
          const idleMs = performance.now() - started;
          assert.ok(idleMs >= 450 && idleMs < 1500, `the idle session closed after ${idleMs.toFixed(0)}ms`);
        },
        { tcp },
      ),
    );

    it(
      'a chain slower than the read timeout gets its answer; a POST whose body never ends closes its connection at the read deadline',
      withServer(
        'https://.:0 {\n  tls\n  answer\n}',
        async (_s, port) => {
          const session = http2.connect(`https://127.0.0.1:${port}`, { ca: certs.ca.pem, servername: 'localhost' });
          session.on('error', () => {});
          const closed = new Promise<number>((resolve) => session.once('close', () => resolve(performance.now())));
          const slow = session.request({ ':path': `/dns-query?dns=${buildQuery('slow.org', 1).toString('base64url')}` });
          slow.resume();
          const status = await new Promise<number>((resolve) => slow.on('response', (h) => resolve(Number(h[':status']))));
          assert.equal(status, 200, 'the answer that took 300 ms, past the 150 ms read timeout');
          const stuck = session.request({ ':method': 'POST', ':path': '/dns-query', 'content-type': 'application/dns-message' });
          stuck.on('error', () => {});
          stuck.write(query.subarray(0, 5));
          const started = performance.now();
          const ms = (await closed) - started;
          assert.ok(ms >= 100 && ms < 1000, `closed ${ms.toFixed(0)}ms after the body stopped`);
        },
        { tcp: { ...tcp, readTimeoutMs: 150 } },
      ),
    );

    it(
      'one address holding 150 silent connections leaves the server answering it and others',
      withServer(
        'https://.:0 {\n  tls\n  answer\n}',
        async (_s, port) => {
          const silent = await holdSilentConnections(port);
          try {
            for (const address of ['127.0.0.1', '127.0.0.2']) {
              const res = await exchangeHttps(port, { msg: query }, { ca: certs.ca.pem, localAddress: address });
              assert.equal(res.status, 200, address);
            }
          } finally {
            for (const c of silent) c.destroy();
          }
        },
        { tcp: { readTimeoutMs: 5000, idleTimeoutMs: 5000 } },
      ),
    );
  });
});

describe('DoH Cache-Control max-age (CoreDNS: MinimalTTLWithMaximum over response.Typify)', () => {
  const msg = (rcode: number, sections: { an?: [number, number][]; ns?: [number, number][]; ar?: [number, number][] }, qtype = 1): Buffer => {
    // [type, ttl] records with a root owner and no RDATA.
    const rec = ([type, ttl]: [number, number]): Buffer => {
      const b = Buffer.alloc(11);
      b.writeUInt16BE(type, 1);
      b.writeUInt16BE(1, 3);
      b.writeUInt32BE(ttl, 5);
      return b;
    };
    const q = buildQuery('a.org', qtype);
    q[2] = 0x81;
    q[3] = 0x80 | rcode;
    q.writeUInt16BE(sections.an?.length ?? 0, 6);
    q.writeUInt16BE(sections.ns?.length ?? 0, 8);
    q.writeUInt16BE(sections.ar?.length ?? 0, 10);
    return Buffer.concat([q, ...[...(sections.an ?? []), ...(sections.ns ?? []), ...(sections.ar ?? [])].map(rec)]);
  };
  const [A, NS, SOA, OPT] = [1, 2, 6, 41];
  const table: readonly [string, Buffer, number][] = [
    ['an answer: its smallest TTL', msg(0, { an: [[A, 300], [A, 120]], ar: [[A, 200]] }), 120],
    ['an answer over an hour: an hour', msg(0, { an: [[A, 86_400]] }), 3600],
    ['the OPT does not count', msg(0, { an: [[A, 300]], ar: [[OPT, 0]] }), 300],
    ['no data (SOA): its TTL', msg(0, { ns: [[SOA, 30]] }), 30],
    ['a name error (SOA): its TTL', msg(3, { ns: [[SOA, 40]] }), 40],
    ['a name error with answers: 5', msg(3, { an: [[A, 300]] }), 5],
    ['a delegation: 5', msg(0, { ns: [[NS, 300]] }), 5],
    ['no records: 5', msg(0, { ar: [[OPT, 0]] }), 5],
    ['a server failure: 5', msg(2, { an: [[A, 300]] }), 5],
    ['a refusal: 5', msg(5, {}), 5],
    ['a zone transfer: 5', msg(0, { an: [[SOA, 300]] }, 252), 5],
  ];
  for (const [name, m, want] of table) it(name, () => assert.equal(dohMaxAge(m), want));
});
