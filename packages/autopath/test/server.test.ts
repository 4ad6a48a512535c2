import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { definePlugin, Rcode, reply, type Request } from '@chaindns/core';
import { A, assertCase, CNAME, dig, SOA, startTestServer, type TestServer } from '@chaindns/core/testing';
import { autopath } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'chaindns-autopath-server-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const podResolvConf = join(dir, 'resolv.conf');
writeFileSync(podResolvConf, 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');

const soa = SOA('cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5');
const known: Record<string, string> = {
  'nginx.default.svc.cluster.local.': '10.109.102.230',
  'kube-dns.kube-system.svc.cluster.local.': '10.96.0.10',
  'www.example.com.': '93.184.215.14',
};

/**
 * A plugin of the test: answers the names above (A, TTL 5) and NXDOMAIN for
 * any other, and, for `autopath @standin`, offers the search path of a pod in
 * `default` to 127.0.0.1 (and none to anyone else).
 */
const standIn = definePlugin({
  name: 'standin',
  parse: () => null,
  setup(_config, ctx) {
    const path = ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', '.'];
    ctx.offer('searchPath', { searchPath: (req: Request) => (req.remote.address === '127.0.0.1' ? path : null) });
    return {
      name: 'standin',
      serveDNS(req, w) {
        const ip = known[req.qname];
        if (ip === undefined) {
          w.write(reply(req, { rcode: Rcode.NXDOMAIN, authoritative: true, authorities: [soa] }));
          return Rcode.NXDOMAIN;
        }
        w.write(reply(req, { authoritative: true, answers: [A(`${req.qnameRaw} 5 IN A ${ip}`)] }));
        return Rcode.NOERROR;
      },
    };
  },
});

async function successes(s: TestServer): Promise<number> {
  const metric = await s.server.registry.getSingleMetric('coredns_autopath_success_total')?.get();
  return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
}

/** What a pod with `ndots:5` asks first, and what it must get. */
const podQueries = [
  {
    qname: 'nginx.default.svc.cluster.local.',
    qtype: 'A',
    answer: [A('nginx.default.svc.cluster.local. 5 IN A 10.109.102.230')],
  },
  {
    qname: 'kube-dns.kube-system.default.svc.cluster.local.',
    qtype: 'A',
    ordered: true,
    answer: [CNAME('kube-dns.kube-system.default.svc.cluster.local. 5 IN CNAME kube-dns.kube-system.svc.cluster.local.'), A('kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10')],
  },
  {
    qname: 'www.example.com.default.svc.cluster.local.',
    qtype: 'A',
    ordered: true,
    answer: [CNAME('www.example.com.default.svc.cluster.local. 5 IN CNAME www.example.com.'), A('www.example.com. 5 IN A 93.184.215.14')],
  },
] as const;

for (const [name, corefile] of [
  ['a resolv.conf file', `cluster.local {\n  autopath ${podResolvConf}\n  standin\n}\n`],
  ['@standin, a plugin that offers each client’s path', 'cluster.local {\n  autopath @standin\n  standin\n}\n'],
] as const) {
  test(`autopath with ${name}: a pod's first queries answered, over UDP and TCP`, async () => {
    const s = await startTestServer(corefile, { plugins: [autopath, standIn] });
    try {
      for (const transport of ['udp', 'tcp'] as const) {
        for (const c of podQueries) assertCase((await s.query(c.qname, c.qtype, { transport })).packet, c);
        // Nowhere to be found: NXDOMAIN for the name asked, and the client searches on.
        const nope = await s.query('nope.default.svc.cluster.local.', 'A', { transport });
        assertCase(nope.packet, { qname: 'nope.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answer: [], ns: [soa] });
        // Not the first query of a search: passed on as it is.
        const other = await s.query('nginx.svc.cluster.local.', 'A', { transport });
        assertCase(other.packet, { qname: 'nginx.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN' });
      }
      assert.equal(await successes(s), 6);
    } finally {
      await s.stop();
    }
  });
}

test('autopath @standin: a client the plugin knows no path for is not searched for', async () => {
  const s = await startTestServer('cluster.local {\n  autopath @standin\n  standin\n}\n', { plugins: [autopath, standIn], defaultAddresses: ['::1'] });
  try {
    const r = await s.query('kube-dns.kube-system.default.svc.cluster.local.', 'A', { address: '::1' });
    assert.equal(r.rcode, Rcode.NXDOMAIN);
    assert.equal(await successes(s), 0);
  } finally {
    await s.stop();
  }
});

test('dig takes the CNAME and the answer for the name it asked', async () => {
  const s = await startTestServer(`cluster.local {\n  autopath ${podResolvConf}\n  standin\n}\n`, { plugins: [autopath, standIn] });
  try {
    for (const transport of ['+notcp', '+tcp']) {
      const stdout = await dig(s.port, transport, '+noall', '+answer', '+comments', 'Kube-DNS.kube-system.default.svc.cluster.local', 'A');
      assert.match(stdout, /status: NOERROR/);
      assert.match(stdout, /^Kube-DNS\.kube-system\.default\.svc\.cluster\.local\.\s+5\s+IN\s+CNAME\s+Kube-DNS\.kube-system\.svc\.cluster\.local\.$/m);
      assert.match(stdout, /^Kube-DNS\.kube-system\.svc\.cluster\.local\.\s+5\s+IN\s+A\s+10\.96\.0\.10$/m);
    }
  } finally {
    await s.stop();
  }
});
