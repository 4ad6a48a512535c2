import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, query, startTestUpstream, type TestUpstream } from '@chaindns/core/testing';
import { type Chaindns, rdata, records, repoRoot, sentTo, startChaindns } from './harness.js';

/** The binary's arguments in the root package.json's `npm start`, with its port. */
function npmStartArgs(): { args: string[]; port: string } {
  const start = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /(?:^|&& )node packages\/chaindns\/dist\/src\/cli\.js (.*)$/.exec(start);
  assert.ok(m, `npm start runs the built binary: ${start}`);
  const args = m[1]!.split(' ');
  const port = args[args.indexOf('-dns.port') + 1];
  assert.ok(args.includes('-dns.port') && port, 'npm start gives -dns.port');
  return { args, port };
}

/** True when a UDP socket can bind `port` on ::1 (Corefile.local also listens there). */
async function canBindIpv6(port: number): Promise<boolean> {
  const socket = dgram.createSocket('udp6');
  const ok = await new Promise<boolean>((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '::1', () => resolve(true));
  });
  socket.close();
  return ok;
}

let upstream: TestUpstream;
let dns: Chaindns;
let port: number;

before(async () => {
  upstream = await startTestUpstream({ records: ['www.example.test. 300 IN A 192.0.2.7'] });
  for (let tries = 0; ; tries++) {
    port = await freePort();
    if (await canBindIpv6(port)) break;
    assert.ok(tries < 10, 'no port free on both 127.0.0.1 and ::1 (Corefile.local binds both)');
  }
  const npmStart = npmStartArgs();
  const args = npmStart.args.map((a) => (a === npmStart.port ? String(port) : a));
  // From the repository root, as npm start runs it (the manifests path is relative); a resolv.conf
  // names no port (forward reads each nameserver on 53), so the upstream goes in as IP:port.
  dns = await startChaindns(args, { cwd: repoRoot, env: { CHAINDNS_RESOLV_CONF: `127.0.0.1:${upstream.port}` } });
});

after(async () => {
  if (dns) assert.equal(await dns.stop(), 0);
  await upstream?.stop();
});

test('npm start answers the example cluster offline, on 127.0.0.1 and ::1', async () => {
  for (const address of ['127.0.0.1', '::1']) {
    const nginx = await query(port, 'nginx.default.svc.cluster.local', 'A', { address });
    assert.deepEqual(records(nginx), ['nginx.default.svc.cluster.local. 30 IN A 10.109.102.230'], address);
  }
  const ptr = await query(port, '13.0.244.10.in-addr.arpa', 'PTR', { transport: 'tcp' });
  assert.deepEqual(rdata(ptr), ['10-244-0-13.nginx-headless.default.svc.cluster.local.']);
  const service = await query(port, '230.102.109.10.in-addr.arpa', 'PTR');
  assert.deepEqual(rdata(service), ['nginx.default.svc.cluster.local.']);
});

test('npm start forwards other names to the resolver it is given', async () => {
  const outside = await query(port, 'www.example.test', 'A');
  assert.deepEqual(rdata(outside), ['192.0.2.7']);
  assert.equal(sentTo(upstream, 'www.example.test'), 1);
});
