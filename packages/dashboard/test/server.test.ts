import assert from 'node:assert/strict';
import { get, type IncomingMessage, request } from 'node:http';
import { after, before, test } from 'node:test';
import { definePlugin, Rcode, reply } from '@chaindns/core';
import { eventually, freePort, readmeCorefiles, startTestServer, type TestServer } from '@chaindns/core/testing';
import { dashboard, type Frame, MAX_STREAMS, type Snapshot } from '../src/index.js';

/** Answers names under cluster.local that start with `svc` and anything outside it; NXDOMAIN for other cluster names. */
const answer = definePlugin<null>({
  name: 'answer',
  parse: () => null,
  setup: () => ({
    name: 'answer',
    serveDNS(req, w) {
      const nx = req.qname.endsWith('cluster.local.') && !req.qname.startsWith('svc');
      w.write(reply(req, nx ? { rcode: Rcode.NXDOMAIN } : { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '192.0.2.1' }] }));
      return nx ? Rcode.NXDOMAIN : Rcode.NOERROR;
    },
  }),
});

let s: TestServer;
let base: string;
before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  s = await startTestServer(`. {\n  dashboard 127.0.0.1:${port} {\n    token s3cret\n  }\n  answer\n}`, { plugins: [dashboard, answer] });
});
after(() => s.stop());

function fetchText(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the event stream and collects frames until `until` says enough (or it fails). */
function streamFrames(url: string, until: (frames: Frame[]) => boolean): Promise<Frame[]> {
  return new Promise((resolve, reject) => {
    const frames: Frame[] = [];
    const req = get(url, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream: ${res.statusCode}`));
      assert.equal(res.headers['content-type'], 'text/event-stream');
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
        for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
          const event = text.slice(0, end);
          text = text.slice(end + 2);
          const data = /^data: (.*)$/m.exec(event)?.[1];
          if (data) frames.push(JSON.parse(data) as Frame);
        }
        if (until(frames)) {
          req.destroy();
          resolve(frames);
        }
      });
    });
    req.on('error', (err) => (frames.length ? resolve(frames) : reject(err)));
  });
}

for (const transport of ['udp', 'tcp'] as const) {
  test(`queries through dashboard over real ${transport} sockets are answered as before`, async () => {
    const r = await s.query('example.org', 'A', { transport });
    assert.equal((r.packet.answers?.[0] as { data?: string } | undefined)?.data, '192.0.2.1');
  });
}

test('the page and the API need the token; the assets do not; other paths and methods are refused', async () => {
  for (const [path, headers, status] of [
    ['/', {}, 401],
    ['/?token=wrong', {}, 401],
    ['/api/snapshot', {}, 401],
    ['/api/stream', { authorization: 'Bearer nope' }, 401],
    ['/?token=s3cret', {}, 200],
    ['/api/snapshot', { authorization: 'Bearer s3cret' }, 200],
    ['/assets/uPlot.min.js', {}, 200],
    ['/assets/dashboard.js', {}, 200],
    ['/assets/nosuch.js', {}, 404],
    ['/metrics', {}, 404],
  ] as const) {
    const res = await fetchText(`${base}${path}`, headers);
    assert.equal(res.status, status, `${path} ${JSON.stringify(headers)}: ${res.body}`);
  }
  const page = await fetchText(`${base}/?token=s3cret`);
  assert.match(page.headers['content-type']!, /^text\/html/);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  // Everything the page loads comes from the dashboard itself: an air-gapped cluster shows it whole.
  for (const m of page.body.matchAll(/(?:src|href)="([^"]+)"/g)) {
    const path = m[1]!;
    assert.ok(path.startsWith('/'), `the page loads ${path}`);
    assert.equal((await fetchText(`${base}${path}`)).status, 200, path);
  }
  const uplot = await fetchText(`${base}/assets/uPlot.min.js`);
  assert.match(uplot.body, /^\/\*! https:\/\/github.com\/leeoniya\/uPlot/);
  const again = await fetchText(`${base}/assets/uPlot.min.js`, { 'if-none-match': String(uplot.headers.etag) });
  assert.equal(again.status, 304);
  const post = await fetchText(`${base}/api/snapshot?token=s3cret`, {}, 'POST');
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
});

test('the stream sends a frame a second with the queries of that second; a snapshot holds the history', async () => {
  let frames: Frame[] = [];
  const done = streamFrames(`${base}/api/stream?token=s3cret`, (f) => (frames = f).some((x) => x.point.types[0]! >= 5));
  // Once the stream is open, each query is recorded by type and rcode (and the search path followed).
  await eventually(async () => assert.ok(frames.length >= 1));
  for (const name of ['a.example.org', 'a.example.org', 'b.example.org', 'x.default.svc.cluster.local', 'x.svc.cluster.local', 'svc.x.example.org']) await s.query(name, 'A');
  const got = await done;
  const f = got.at(-1)!;
  assert.equal(f.point.watched, true);
  assert.equal(f.top.names[0]!.key, 'a.example.org.');
  assert.deepEqual(f.top.nxdomains.map((r) => r.key).sort(), ['x.default.svc.cluster.local.', 'x.svc.cluster.local.']);
  const snapshot = JSON.parse((await fetchText(`${base}/api/snapshot?token=s3cret`)).body) as Snapshot;
  assert.ok(snapshot.history.length >= 2);
  assert.equal(snapshot.types[0], 'A');
  assert.ok(snapshot.frame.queries >= 6);
});

test(`at most ${MAX_STREAMS} streams at once; the next gets 503`, async () => {
  const reqs: ReturnType<typeof get>[] = [];
  for (let i = 0; i < MAX_STREAMS; i++) {
    const res = await new Promise<IncomingMessage>((resolve) => reqs.push(get(`${base}/api/stream?token=s3cret`, resolve)));
    assert.equal(res.statusCode, 200);
  }
  const refused = await fetchText(`${base}/api/stream?token=s3cret`);
  assert.equal(refused.status, 503);
  for (const r of reqs) r.destroy();
});

test('the README examples’ dashboard directives start, and the dashboard answers on its address', async () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 3);
  for (const corefile of examples) {
    // The examples name other plugins and the default ports: their dashboard directive is served alone, on a free port.
    const directive = /^\s*dashboard\b[^\n{]*(\{[\s\S]*?\n\s*\})?/m.exec(corefile)![0];
    const port = await freePort();
    const local = directive.replace(/dashboard( [^\s{]+)?/, `dashboard 127.0.0.1:${port}`);
    const server = await startTestServer(`.:0 {\n${local}\n  answer\n}`, { plugins: [dashboard, answer] });
    try {
      const token = /token (\S+)/.exec(directive)?.[1];
      const res = await fetchText(`http://127.0.0.1:${port}/api/snapshot${token ? `?token=${token}` : ''}`);
      assert.equal(res.status, 200, local);
    } finally {
      await server.stop();
    }
  }
});
