import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { buildQuery, definePlugin, dgramSharesPorts, PluginRegistry, reply, Server, silentLogger } from '../src/index.js';
import { eventually, startTestServer, testUdpTransport } from '../src/testing/index.js';

/** Answers each query after `ms`, with the server's port in an A record (10.0.0.N for the Nth server). */
function slowPlugin(ms: number, taken: string[]) {
  return definePlugin<string>({
    name: 'slow',
    parse: (d) => d.args[0]?.text ?? '10.0.0.1',
    setup: (ip) => ({
      name: 'slow',
      serveDNS: (req, w) => {
        taken.push(req.qname);
        return new Promise<number>((resolve) => setTimeout(() => resolve((w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: ip }] })), 0)), ms));
      },
    }),
  });
}

/** A UDP client: each reply by ID, the last byte of its A record. */
function client(port: number) {
  const socket = dgram.createSocket('udp4');
  const answers = new Map<number, number>();
  socket.on('message', (m) => answers.set(m.readUInt16BE(0), m[m.length - 1]!));
  socket.on('error', () => {}); // an ICMP refusal once nothing listens
  return {
    answers,
    send: (id: number) => socket.send(buildQuery(`q${id}.example`, 1, { id }), port, '127.0.0.1'),
    close: () => socket.close(),
  };
}

test('a stop answers over UDP the queries it took before it stopped taking them', async () => {
  const taken: string[] = [];
  const s = await startTestServer('. {\n  slow\n}', { plugins: [slowPlugin(300, taken)] });
  const c = client(s.port);
  try {
    c.send(1);
    await eventually(() => taken.length === 1, 2000, 'the query taken');
    await s.stop();
    await eventually(() => c.answers.get(1) === 1, 1000, 'the answer to the query in flight, sent before the socket closed');
  } finally {
    c.close();
  }
});

test('reusePort: two servers share a port; one that stops hands every datagram to the other and answers what it took', async (t) => {
  const transport = testUdpTransport();
  const plugins = (taken: string[]) => new PluginRegistry(['slow'], [slowPlugin(100, taken)]);
  if (!transport?.reusePort) {
    if (dgramSharesPorts(process.versions.node)) {
      // From Node.js 22.12 dgram shares the port but cannot leave it: what the kernel still hands the
      // stopping server is dropped (UdpBinding.detach), so a handoff that loses nothing is the native transport's.
      t.diagnostic('dgram: the native pass runs the servers');
      return;
    }
    // dgram before Node.js 22.12 cannot set SO_REUSEPORT: said at once, not found at the first bind.
    assert.throws(
      () => new Server({ corefile: '.:0 {\n  slow\n}', plugins: plugins([]), reusePort: true, logger: silentLogger }),
      /reusePort: the dgram UDP transport cannot share a port \(SO_REUSEPORT\); the native transport \(@chaindns\/udp-native\) can/,
    );
    t.diagnostic('dgram: the native pass runs the servers');
    return;
  }
  const takenA: string[] = [];
  const takenB: string[] = [];
  const options = { udpTransport: transport, reusePort: true, logger: silentLogger, defaultAddresses: ['127.0.0.1'], dnsPort: 0 };
  const a = await new Server({ ...options, corefile: '. {\n  slow 10.0.0.1\n}', plugins: plugins(takenA) }).start();
  const port = a.addresses()[0]!.port;
  const b = await new Server({ ...options, corefile: '. {\n  slow 10.0.0.2\n}', plugins: plugins(takenB), portZero: a.portZero() }).start();
  assert.equal(b.addresses()[0]!.port, port, 'the second takes the first one\'s port');
  // The kernel picks a socket by the query's source: many client sockets, so both servers get some.
  const clients = Array.from({ length: 40 }, () => client(port));
  try {
    let id = 0;
    const sendRound = (): void => clients.forEach((k) => k.send(id++));
    const timer = setInterval(sendRound, 5);
    await eventually(() => takenA.length > 0 && takenB.length > 0, 3000, 'both servers take queries');
    await a.stop();
    await new Promise((r) => setTimeout(r, 100));
    clearInterval(timer);
    await new Promise((r) => setTimeout(r, 400));
    const sent = id;
    const answered = clients.reduce((n, k) => n + k.answers.size, 0);
    assert.equal(answered, sent, `every one of ${sent} queries answered through the handoff`);
    assert.equal(takenA.length + takenB.length, sent);
  } finally {
    for (const k of clients) k.close();
    await b.stop();
  }
});

test('a TCP connection accepted as the server stops, its query not sent yet, still gets its answer', async () => {
  const s = await startTestServer('. {\n  slow\n}', { plugins: [slowPlugin(10, [])] });
  const socket = net.connect(s.port, '127.0.0.1');
  const closed = once(socket, 'close');
  let answer = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => (answer = Buffer.concat([answer, d])));
  socket.on('error', () => {});
  await once(socket, 'connect');
  // Accepted, and nothing sent yet: the query is on its way as the server stops (a handoff's race).
  await new Promise((r) => setTimeout(r, 50));
  const stopped = s.stop();
  await new Promise((r) => setTimeout(r, 20));
  const query = buildQuery('late.example', 1, { id: 7 });
  const frame = Buffer.alloc(2 + query.length);
  frame.writeUInt16BE(query.length, 0);
  query.copy(frame, 2);
  socket.write(frame);
  await closed;
  await stopped;
  assert.ok(answer.length > 2, 'the connection closed without an answer');
  assert.equal(answer.readUInt16BE(2), 7);
});
