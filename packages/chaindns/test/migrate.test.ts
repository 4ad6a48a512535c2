import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { type Directive, parseCorefile } from '@chaindns/core';
import { readmeCorefiles } from '@chaindns/core/testing';
import { check, type KubeDnsData, migrateKubeDns, readConfigMap } from '../src/index.js';
import { cli, repoRoot, runCli, tempDir } from './harness.js';

// `chaindns migrate kube-dns`: each row a kube-dns ConfigMap's data as kubeadm's tests and the
// kube-dns documentation wrote them, and what the Corefile forwards where.

const dir = tempDir('chaindns-migrate-');
after(() => dir.remove());

/** A block's keys and the words of its forward (or null). */
function forwards(corefile: string): [string, string | null][] {
  return parseCorefile(corefile, { env: {} }).blocks.map((b) => {
    const forward = b.directives.find((d: Directive) => d.name === 'forward');
    return [b.keys.map((k) => k.zone).join(' '), forward ? forward.args.map((a) => a.text).join(' ') : null];
  });
}

interface KubeDnsRow {
  readonly name: string;
  readonly data: KubeDnsData | null;
  readonly domain?: string;
  readonly want?: [string, string | null][];
  readonly notes?: readonly RegExp[];
  readonly error?: RegExp;
}

const rows: readonly KubeDnsRow[] = [
  { name: 'no ConfigMap: the node resolv.conf', data: null, want: [['.', '. /etc/resolv.conf']], notes: [] },
  {
    name: "kube-dns's documentation: a stub domain and two upstream name servers",
    data: { stubDomains: '{"acme.local": ["1.2.3.4"]}\n', upstreamNameservers: '["8.8.8.8", "8.8.4.4"]\n' },
    want: [
      ['.', '. 8.8.8.8 8.8.4.4'],
      ['acme.local.', '. 1.2.3.4'],
    ],
    notes: [/^upstreamNameservers: 8\.8\.8\.8 8\.8\.4\.4 in place of \/etc\/resolv\.conf/, /^stubDomains: acme\.local: a server block of its own, forwarding to 1\.2\.3\.4$/],
  },
  {
    name: "kubeadm's: several servers, a port, a stub under the cluster domain",
    data: { stubDomains: '{"foo.com" : ["1.2.3.4:5300","3.3.3.3"], "my.cluster.local" : ["2.3.4.5"]}', upstreamNameservers: '["8.8.8.8", "8.8.4.4"]' },
    want: [
      ['.', '. 8.8.8.8 8.8.4.4'],
      ['foo.com.', '. 1.2.3.4:5300 3.3.3.3'],
      ['my.cluster.local.', '. 2.3.4.5'],
    ],
  },
  {
    name: "kubeadm's: host names left out, a stub of host names only dropped",
    data: { stubDomains: '{"bar.com" : ["1.2.3.4:5300","service.consul"], "my.cluster.local" : ["2.3.4.5"], "foo.com" : ["service.consul"]}' },
    want: [
      ['.', '. /etc/resolv.conf'],
      ['bar.com.', '. 1.2.3.4:5300'],
      ['my.cluster.local.', '. 2.3.4.5'],
    ],
    notes: [/^stubDomains: bar\.com: service\.consul left out: a host name/, /^stubDomains: bar\.com: a server block/, /^stubDomains: my\.cluster\.local: a server block/, /^stubDomains: foo\.com: service\.consul left out/, /^stubDomains: foo\.com dropped: no address among its name servers$/],
  },
  {
    name: "kubeadm's: upstream host names left out",
    data: { upstreamNameservers: '["service.consul", "ns.foo.com", "8.8.4.4", "ns.moo.com", "ns.bar.com"]' },
    want: [['.', '. 8.8.4.4']],
  },
  {
    name: "kubeadm's: upstream host names only: the node's resolv.conf",
    data: { upstreamNameservers: '["service.consul", "ns.foo.com"]' },
    want: [['.', '. /etc/resolv.conf']],
    notes: [/left out/, /left out/, /^upstreamNameservers: no address in it: the main block forwards to the node's \/etc\/resolv\.conf/],
  },
  { name: "kubeadm's: IPv6 with a port", data: { upstreamNameservers: '["[2003::1]:53", "8.8.4.4"]' }, want: [['.', '. [2003::1]:53 8.8.4.4']] },
  { name: 'IPv6 without a port', data: { stubDomains: '{"v6.example": ["2001:db8::53"]}' }, want: [['.', '. /etc/resolv.conf'], ['v6.example.', '. 2001:db8::53']] },
  {
    name: "kubeadm's federations: dropped, and said so",
    data: { federations: '{"foo" : "foo.feddomain.com", "bar" : "bar.feddomain.com"}', upstreamNameservers: '["8.8.8.8"]' },
    want: [['.', '. 8.8.8.8']],
    notes: [/^upstreamNameservers/, /^federations: dropped \(foo \(foo\.feddomain\.com\), bar \(bar\.feddomain\.com\)\): CoreDNS removed the federation plugin in 1\.7/],
  },
  {
    name: 'at most 15 upstreams, as CoreDNS allows',
    data: { upstreamNameservers: JSON.stringify(Array.from({ length: 17 }, (_, i) => `10.0.0.${i + 1}`)) },
    want: [['.', `. ${Array.from({ length: 15 }, (_, i) => `10.0.0.${i + 1}`).join(' ')}`]],
    notes: [/^upstreamNameservers: 10\.0\.0\.16 10\.0\.0\.17 left out: forward takes at most 15 upstreams$/, /^upstreamNameservers: 10\.0\.0\.1 /],
  },
  { name: 'another cluster domain', data: null, domain: 'corp.internal', want: [['.', '. /etc/resolv.conf']] },
  { name: 'keys kube-dns does not read', data: { cluster: 'x' }, want: [['.', '. /etc/resolv.conf']], notes: [/^cluster: ignored: kube-dns reads only stubDomains, upstreamNameservers and federations$/] },
  { name: 'stubDomains that are not JSON', data: { stubDomains: "{'acme.local': ['1.2.3.4']}" }, error: /^ConfigMap: stubDomains: not JSON: / },
  { name: 'a stub domain that is the cluster domain', data: { stubDomains: '{"cluster.local": ["1.2.3.4"]}' }, error: /^ConfigMap: stubDomains: cluster\.local is the cluster domain$/ },
  { name: 'a stub domain given twice', data: { stubDomains: '{"acme.local": ["1.2.3.4"], "Acme.Local.": ["1.2.3.5"]}' }, error: /^ConfigMap: stubDomains: acme\.local is given twice$/ },
  { name: 'a name server with a bad port', data: { upstreamNameservers: '["1.2.3.4:0"]' }, error: /^ConfigMap: upstreamNameservers: "1\.2\.3\.4:0": the port must be 1 to 65535$/ },
  { name: 'a domain that is no name', data: { stubDomains: '{"bad domain": ["1.2.3.4"]}' }, error: /^ConfigMap: stubDomains: "bad domain" is not a domain name$/ },
  { name: 'name servers that are no list', data: { upstreamNameservers: '"8.8.8.8"' }, error: /^ConfigMap: upstreamNameservers: expected a list of name servers$/ },
];

for (const row of rows) {
  test(`migrate kube-dns: ${row.name}`, async () => {
    const run = (): ReturnType<typeof migrateKubeDns> => migrateKubeDns(row.data, { source: 'ConfigMap', ...(row.domain ? { domain: row.domain } : {}) });
    if (row.error) {
      assert.throws(run, (err: Error) => (assert.match(err.message, row.error!), true));
      return;
    }
    const { corefile, notes } = run();
    assert.deepEqual(forwards(corefile), row.want);
    if (row.notes) {
      assert.equal(notes.length, row.notes.length, notes.join('\n'));
      row.notes.forEach((re, i) => assert.match(notes[i]!, re));
    }
    const block = parseCorefile(corefile, { env: {} }).blocks[0]!;
    const kubernetes = block.directives.find((d) => d.name === 'kubernetes')!;
    assert.deepEqual(
      kubernetes.args.map((a) => a.text),
      [row.domain ?? 'cluster.local', 'in-addr.arpa', 'ip6.arpa'],
    );
    const conf = dir.file(`kube-dns-${row.name.replace(/\W+/g, '-')}`);
    writeFileSync(conf, corefile);
    const report = await check({ conf, dnsPort: 1053 });
    assert.deepEqual(report.errors, [], 'chaindns check accepts it');
  });
}

test("migrate kube-dns: the whole Corefile for kube-dns's documentation example", () => {
  const { corefile } = migrateKubeDns({ stubDomains: '{"acme.local": ["1.2.3.4"]}', upstreamNameservers: '["8.8.8.8", "8.8.4.4"]' });
  const body = corefile.replace(/^#.*\n/gm, '');
  assert.equal(
    body,
    `. {
    errors
    health :8080 {
        lameduck 5s
    }
    ready :8181
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    prometheus :9153
    forward . 8.8.8.8 8.8.4.4 {
        max_concurrent 1000
    }
    cache {
        success 1000
        disable denial
    }
    loop
    reload
    loadbalance
}
acme.local {
    errors
    prometheus :9153
    forward . 1.2.3.4
    cache {
        success 1000
        disable denial
    }
    loop
}
`,
  );
});

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-dns
  namespace: kube-system
data:
  stubDomains: |
    {"acme.local": ["1.2.3.4"]}
  upstreamNameservers: |
    ["8.8.8.8", "8.8.4.4"]
`;

test('readConfigMap: YAML as kubectl prints it, JSON, a List, several documents', () => {
  const want = { stubDomains: '{"acme.local": ["1.2.3.4"]}\n', upstreamNameservers: '["8.8.8.8", "8.8.4.4"]\n' };
  assert.deepEqual(readConfigMap(CONFIGMAP, 'cm.yaml'), want);
  const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-dns' }, data: want };
  assert.deepEqual(readConfigMap(JSON.stringify(object), 'cm.json'), want);
  assert.deepEqual(readConfigMap(JSON.stringify({ kind: 'List', items: [{ kind: 'ConfigMap', metadata: { name: 'other' }, data: {} }, object] }), 'list.json'), want);
  assert.deepEqual(readConfigMap(`kind: Service\n---\n${CONFIGMAP}---\nkind: ConfigMap\nmetadata:\n  name: coredns\n`, 'all.yaml'), want);
  assert.deepEqual(readConfigMap('kind: ConfigMap\nmetadata:\n  name: kube-dns\n', 'empty.yaml'), {});
  assert.throws(() => readConfigMap('kind: Service\n', 'svc.yaml'), /^ChainDNSError: svc\.yaml: no ConfigMap in it/);
  assert.throws(() => readConfigMap('kind: ConfigMap\n---\nkind: ConfigMap\n', 'two.yaml'), /two\.yaml: 2 ConfigMaps and none is named kube-dns/);
  assert.throws(() => readConfigMap('kind: ConfigMap\ndata:\n  upstreamNameservers:\n    - 8.8.8.8\n', 'list.yaml'), /list\.yaml: data: expected a map of strings/);
  assert.throws(() => readConfigMap('kind: [\n', 'broken.yaml'), /broken\.yaml: line \d+: Flow sequence/);
});

test('the binary: migrate kube-dns from a file or stdin, to stdout or -o; the input is never touched', async () => {
  const cm = dir.file('kube-dns.yaml');
  writeFileSync(cm, CONFIGMAP);
  const before = statSync(cm).mtimeMs;
  const out = await runCli(['migrate', 'kube-dns', '--configmap', cm], { cwd: dir.path });
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(forwards(out.stdout), [
    ['.', '. 8.8.8.8 8.8.4.4'],
    ['acme.local.', '. 1.2.3.4'],
  ]);
  assert.match(out.stderr, /^\S+kube-dns\.yaml: upstreamNameservers: 8\.8\.8\.8 8\.8\.4\.4 in place of/m);
  const piped = execFileSync(process.execPath, [cli, 'migrate', 'kube-dns', '--configmap', '-', '--domain', 'corp.internal'], { input: CONFIGMAP, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
  assert.equal(piped, migrateKubeDns(readConfigMap(CONFIGMAP, 'stdin'), { domain: 'corp.internal' }).corefile);
  const written = await runCli(['migrate', 'kube-dns', '--configmap', cm, '-o', 'Corefile.new'], { cwd: dir.path });
  assert.deepEqual([written.code, written.stdout], [0, '']);
  assert.equal(readFileSync(dir.file('Corefile.new'), 'utf8'), out.stdout);
  const refused = await runCli(['migrate', 'kube-dns', '--configmap', cm, '-o', cm], { cwd: dir.path });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /that is the input, which migrate never touches/);
  assert.deepEqual([readFileSync(cm, 'utf8'), statSync(cm).mtimeMs], [CONFIGMAP, before]);
  const checked = await runCli(['check', '-conf', 'Corefile.new', '-dns.port', '1053'], { cwd: dir.path });
  assert.equal(checked.code, 0, checked.stdout);
  const bad = await runCli(['migrate', 'kube-dns', '--configmap', dir.file('none.yaml')], { cwd: dir.path });
  assert.deepEqual([bad.code, bad.stdout], [1, '']);
  assert.match(bad.stderr, /no such file or directory/);
  const what = await runCli(['migrate', 'coredns'], { cwd: dir.path });
  assert.equal(what.code, 1);
  assert.match(what.stderr, /^migrate: expected kube-dns or corefile, got "coredns"/);
});

test("deploy/README.md's kube-dns example: its ConfigMap migrates to the Corefile it shows", () => {
  const readme = readFileSync(`${repoRoot}deploy/README.md`, 'utf8');
  const configMap = /^```yaml\n(apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-dns\n[\s\S]*?)^```$/m.exec(readme)?.[1];
  assert.ok(configMap, 'the README shows the kube-dns ConfigMap');
  const shown = readmeCorefiles(`${repoRoot}deploy/README.md`);
  assert.deepEqual(shown, [migrateKubeDns(readConfigMap(configMap, 'README')).corefile]);
  assert.match(readme, /\| docker run --rm -i \S+ migrate kube-dns --configmap - > Corefile\n/);
  assert.match(readme, / check -conf \/check\/Corefile\n/);
  assert.match(readme, / migrate corefile -conf \/check\/Corefile > Corefile\.new\n/);
});
