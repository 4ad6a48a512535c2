import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger, definePlugin, QType, Rcode, reply, type SearchPathProvider } from '@chaindns/core';
import { makeRequest } from '@chaindns/core/testing';
import { kubernetes } from '../src/index.js';
import { hostSearch, kubernetesSearchPath } from '../src/search-path.js';
import { namespace, pod } from '../src/testing/index.js';
import { buildIndex } from './cluster.js';
import { eventually, startCluster } from './helpers.js';

const index = buildIndex([namespace('default'), namespace('team'), pod('team', 'web-0', ['10.244.1.5', 'fd00::5']), pod('default', 'client', ['10.244.0.20'])]);

function provider(options: { zones?: string[]; pods?: 'disabled' | 'insecure' | 'verified'; host?: string[] } = {}): { path: SearchPathProvider; logs: string[] } {
  const logs: string[] = [];
  const log = createLogger({ sink: (l) => logs.push(l) }, 'plugin/kubernetes: ');
  return { path: kubernetesSearchPath({ zones: options.zones ?? ['cluster.local.'], pods: options.pods ?? 'verified', index, hostSearch: options.host ?? [], log }), logs };
}

const from = (address: string, name = 'nginx.default.svc.cluster.local.'): ReturnType<typeof makeRequest> =>
  makeRequest(name, 'A', { remote: { address, port: 5353, family: address.includes(':') ? 6 : 4 } });

test("CoreDNS's kubernetes AutoPath: the client pod's namespace, its zone, the host's search, the bare name", () => {
  const { path } = provider({ host: ['corp.example.', 'example.'] });
  assert.deepEqual(path.searchPath(from('10.244.1.5')), ['team.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', 'corp.example.', 'example.', '.']);
  assert.deepEqual(path.searchPath(from('fd00::5')), ['team.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', 'corp.example.', 'example.', '.']);
  assert.deepEqual(path.searchPath(from('10.244.0.20')), ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', 'corp.example.', 'example.', '.']);
  // One path per namespace: nothing is built per query.
  assert.equal(path.searchPath(from('10.244.1.5')), path.searchPath(from('10.244.1.5')));
});

test('the root zone: <namespace>.svc., svc., then the root itself, as CoreDNS writes it', () => {
  const { path } = provider({ zones: ['.'] });
  assert.deepEqual(path.searchPath(from('10.244.1.5', 'www.example.com.')), ['team.svc.', 'svc.', '.', '.']);
});

test('no path: outside the zones, an address that is no pod, pods not verified (said once)', () => {
  const { path } = provider();
  assert.equal(path.searchPath(from('10.244.1.5', 'www.example.com.')), null);
  assert.equal(path.searchPath(from('10.244.9.9')), null);
  assert.equal(path.searchPath(from('127.0.0.1')), null);
  for (const mode of ['disabled', 'insecure'] as const) {
    const p = provider({ pods: mode });
    assert.equal(p.path.searchPath(from('10.244.1.5')), null);
    assert.equal(p.path.searchPath(from('10.244.1.5')), null);
    assert.deepEqual(p.logs, ['[WARNING] plugin/kubernetes: autopath needs "pods verified" to find a client\'s namespace: no search path is given']);
  }
});

test("the host's search domains come from its resolv.conf; none when it cannot be read", () => {
  const dir = mkdtempSync(join(tmpdir(), 'chaindns-k8s-resolv-'));
  try {
    writeFileSync(join(dir, 'resolv.conf'), 'nameserver 10.0.0.2\nsearch ec2.internal Corp.Example\n');
    assert.deepEqual(hostSearch(join(dir, 'resolv.conf')), ['ec2.internal.', 'corp.example.']);
    assert.deepEqual(hostSearch(join(dir, 'missing')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A plugin of the test that finds kubernetes' search path through core and answers TXT queries with it. */
const pathEcho = definePlugin({
  name: 'path_echo',
  parse: (d) => d,
  setup(d, ctx) {
    const offered = ctx.need('kubernetes', 'searchPath', d);
    return {
      name: 'path_echo',
      serveDNS(req, w, next) {
        if (req.qtype !== QType.TXT) return next(req, w);
        const path = offered.value.searchPath(req);
        w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 0, class: 'IN', data: path === null ? 'none' : path.join(' ') }] }));
        return Rcode.NOERROR;
      },
    };
  },
});

test('kubernetes offers its search path to the other plugins of its block (autopath @kubernetes), pods from the API', async (t) => {
  const cluster = await startCluster([namespace('default'), pod('default', 'client', ['127.0.0.1'])], {
    lines: ['pods verified'],
    plugins: [pathEcho, kubernetes],
    tail: ' path_echo\n',
  });
  t.after(() => cluster.stop());
  const txt = async (): Promise<string> => {
    const r = await cluster.dns.query('nginx.default.svc.cluster.local', 'TXT');
    return Buffer.concat((r.packet.answers?.[0] as { data: Buffer[] }).data).toString();
  };
  const host = hostSearch();
  assert.equal(await txt(), ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', ...host, '.'].join(' '));
  // The pod goes: its address has no path any more.
  cluster.api.delete('Pod', 'default', 'client');
  await eventually(async () => assert.equal(await txt(), 'none'));
});
