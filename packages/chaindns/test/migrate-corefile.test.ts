import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { check, migrateCorefile, parseVersion } from '../src/index.js';
import { runCli, tempDir } from './harness.js';

// `chaindns migrate corefile`: each row a Corefile shape of an older CoreDNS (kubeadm's defaults,
// CoreDNS issues and docs of the time), what it becomes, and the changes reported.

const dir = tempDir('chaindns-migrate-corefile-');
after(() => dir.remove());

interface Row {
  readonly name: string;
  readonly corefile: string;
  readonly want: string;
  /** Each change as `line: message` (a prefix of the message). */
  readonly changes: readonly string[];
  readonly from?: string;
}

/** CoreDNS 1.2.6's Corefile as kubeadm installed it (coredns/corefile-migration's defaultConf). */
const KUBEADM_1_2 = `.:53 {
    errors
    health
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods insecure
        upstream
        fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    proxy . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`;

const rows: readonly Row[] = [
  {
    name: "kubeadm's Corefile of CoreDNS 1.2 (proxy, upstream)",
    corefile: KUBEADM_1_2,
    want: KUBEADM_1_2.replace('        upstream\n', '').replace('proxy . /etc/resolv.conf', 'forward . /etc/resolv.conf'),
    changes: ['6: kubernetes: upstream dropped: deprecated in CoreDNS 1.4, ignored from 1.5, removed in 1.7', '10: proxy is forward: CoreDNS deprecated proxy in 1.4 and removed it in 1.5'],
  },
  {
    name: 'proxy with every option of its README',
    corefile: '. {\n    proxy . 10.0.0.10:53 10.0.0.11:1053 {\n        policy round_robin\n        fail_timeout 10s\n        max_fails 3\n        health_check /health:8080 30s\n        except miek.nl example.org\n        spray\n        protocol dns force_tcp\n    }\n}\n',
    want: '. {\n    forward . 10.0.0.10:53 10.0.0.11:1053 {\n        policy round_robin\n        max_fails 3\n        health_check 30s\n        except miek.nl example.org\n        force_tcp\n    }\n}\n',
    changes: ['2: proxy is forward', '4: fail_timeout dropped', '6: health_check: forward checks every 30s with a DNS query of its own, not over HTTP at /health:8080', '8: spray dropped', '9: protocol dns force_tcp is force_tcp'],
  },
  {
    name: "proxy's policies: first is sequential, least_conn has none",
    corefile: 'a.org {\n    proxy . 10.0.0.1 {\n        policy first\n    }\n}\nb.org {\n    proxy . 10.0.0.1 {\n        policy least_conn\n        health_check /health:8080\n        protocol dns\n    }\n}\n',
    want: 'a.org {\n    forward . 10.0.0.1 {\n        policy sequential\n    }\n}\nb.org {\n    forward . 10.0.0.1 {\n    }\n}\n',
    changes: ['2: proxy is forward', '3: policy first is forward\'s policy sequential', '7: proxy is forward', '8: policy least_conn dropped', '9: health_check /health:8080 dropped', '10: protocol dns dropped'],
  },
  {
    name: "proxy with https_google (CoreDNS 1.1's DNS over HTTPS) or grpc: kept as comments",
    corefile: '. {\n    proxy . 8.8.8.8:53 {\n        protocol https_google\n    }\n    cache\n}\nexample.org {\n    proxy . 10.0.0.1:443 { # the gRPC upstream\n        protocol grpc insecure\n    }\n    whoami\n}\n',
    want: '. {\n    # proxy . 8.8.8.8:53 {\n        # protocol https_google\n    # }\n    cache\n}\nexample.org {\n    # proxy . 10.0.0.1:443 { # the gRPC upstream\n        # protocol grpc insecure\n    # }\n    whoami\n}\n',
    changes: ['2: proxy with protocol https_google commented out', '8: proxy with protocol grpc commented out'],
  },
  {
    name: "kubernetes' removed options, comments and blank lines kept",
    corefile: '# the cluster\ncluster.local {\n    kubernetes {\n        endpoint https://a:6443 https://b:6443   # two API servers\n\n        resyncperiod 30s\n        transfer to *\n        upstream 8.8.8.8\n        pods verified\n    }\n}\n',
    want: '# the cluster\ncluster.local {\n    kubernetes {\n        endpoint https://a:6443   # two API servers\n\n        pods verified\n    }\n}\n',
    changes: ['4: kubernetes: endpoint keeps its first URL', '6: kubernetes: resyncperiod dropped', '7: kubernetes: transfer dropped: CoreDNS 1.8 moved zone transfers to the transfer plugin', '8: kubernetes: upstream dropped'],
  },
  {
    name: "kubeadm's kube-dns federations, as CoreDNS 1.2 took them",
    corefile: '.:53 {\n    kubernetes cluster.local\n    federation cluster.local {\n        foo foo.feddomain.com\n        bar bar.feddomain.com\n    }\n    forward . /etc/resolv.conf\n}\n',
    want: '.:53 {\n    kubernetes cluster.local\n    forward . /etc/resolv.conf\n}\n',
    changes: ['3: federation dropped: CoreDNS announced its removal in 1.6 and removed it in 1.7'],
  },
  {
    name: 'reverse, removed in 1.2',
    corefile: '. {\n    reverse 10.0.0.0/8 {\n        hostname ip-{ip}.{zone[1]}\n    }\n    forward . 10.0.0.1\n}\n',
    want: '. {\n    # reverse 10.0.0.0/8 {\n        # hostname ip-{ip}.{zone[1]}\n    # }\n    forward . 10.0.0.1\n}\n',
    changes: ['2: reverse commented out'],
  },
  {
    name: "file's no_reload and auto's TIMEOUT",
    corefile: 'example.org {\n    file db.example.org {\n        no_reload\n    }\n}\nexample.net {\n    auto {\n        directory /etc/zones (.*) {1} 60\n    }\n}\n',
    want: 'example.org {\n    file db.example.org {\n        reload 0\n    }\n}\nexample.net {\n    auto {\n        directory /etc/zones (.*) {1}\n        reload 60s\n    }\n}\n',
    changes: ['3: file: no_reload is reload 0', "8: auto: directory's TIMEOUT is reload 60s", '8: auto: reload 60s in place of'],
  },
  {
    name: "header's old syntax",
    corefile: '. {\n    header {\n        set ra aa\n        clear rd\n    }\n}\n',
    want: '. {\n    header {\n        response set ra aa\n        response clear rd\n    }\n}\n',
    changes: ['3: header: set without query or response is response set', '4: header: clear without query or response is response clear'],
  },
  {
    name: 'a snippet used in two blocks is changed once',
    corefile: '(common) {\n    proxy . 10.0.0.1 {\n        spray\n    }\n}\na.org {\n    import common\n}\nb.org {\n    import common\n}\n',
    want: '(common) {\n    forward . 10.0.0.1 {\n    }\n}\na.org {\n    import common\n}\nb.org {\n    import common\n}\n',
    changes: ['2: proxy is forward', '3: spray dropped'],
  },
  { name: 'a Corefile of today: nothing to change', corefile: KUBEADM_1_2.replace('        upstream\n', '').replace('proxy', 'forward'), want: KUBEADM_1_2.replace('        upstream\n', '').replace('proxy', 'forward'), changes: [] },
  {
    name: '--from 1.7: what 1.7 already refused stays (check reports it), what came later is rewritten',
    from: '1.7',
    corefile: 'cluster.local {\n    kubernetes {\n        upstream\n        transfer to *\n        endpoint https://a:6443 https://b:6443\n    }\n    proxy . 10.0.0.1\n}\n',
    want: 'cluster.local {\n    kubernetes {\n        upstream\n        endpoint https://a:6443\n    }\n    proxy . 10.0.0.1\n}\n',
    changes: ['4: kubernetes: transfer dropped', '5: kubernetes: endpoint keeps its first URL'],
  },
];

for (const row of rows) {
  test(`migrate corefile: ${row.name}`, async () => {
    const { corefile, changes } = migrateCorefile(row.corefile, { file: 'Corefile', ...(row.from ? { from: parseVersion(row.from) } : {}) });
    assert.equal(corefile, row.want);
    assert.equal(changes.length, row.changes.length, changes.map((c) => `${c.line}: ${c.message}`).join('\n'));
    row.changes.forEach((want, i) => assert.ok(`${changes[i]!.line}: ${changes[i]!.message}`.startsWith(want), `${changes[i]!.line}: ${changes[i]!.message}\n  does not start with\n${want}`));
    assert.ok(changes.every((c) => c.file === 'Corefile'));
  });
}

test("migrate corefile: the results chaindns ships every directive of pass check", async () => {
  for (const row of rows.filter((r) => !/file|header|--from|https_google/.test(r.name))) {
    const conf = dir.file(`migrated-${row.name.replace(/\W+/g, '-')}`);
    writeFileSync(conf, migrateCorefile(row.corefile).corefile);
    const report = await check({ conf, dnsPort: 1053 });
    assert.deepEqual(
      report.errors.map((e) => e.message),
      [],
      row.name,
    );
  }
});

test('migrate corefile: a file the Corefile imports is read, not rewritten, and said so', () => {
  writeFileSync(dir.file('upstream.conf'), 'proxy . 10.0.0.1\n');
  const text = '. {\n    import upstream.conf\n    kubernetes cluster.local {\n        upstream\n    }\n}\n';
  const { corefile, changes } = migrateCorefile(text, { file: dir.file('Corefile.imports') });
  assert.equal(corefile, '. {\n    import upstream.conf\n    kubernetes cluster.local {\n    }\n}\n');
  assert.deepEqual(
    changes.map((c) => [c.file.replace(dir.path, ''), c.line, c.message.slice(0, 40)]),
    [
      ['/Corefile.imports', 4, 'kubernetes: upstream dropped: deprecated'],
      ['/upstream.conf', 1, 'not rewritten (proxy is forward: CoreDNS'],
    ],
  );
  assert.match(changes[1]!.message, /it is in an imported file; run chaindns migrate corefile -conf \S+upstream\.conf too$/);
});

test('parseVersion: 1.1 to 1.14, with or without a patch', () => {
  assert.deepEqual(parseVersion('1.6'), [1, 6, 0]);
  assert.deepEqual(parseVersion('v1.8.4'), [1, 8, 4]);
  assert.deepEqual(parseVersion('1.14.2'), [1, 14, 2]);
  for (const bad of ['1.0', '1.15', '2.0', 'latest', '1']) assert.throws(() => parseVersion(bad), /--from \S+: expected a CoreDNS version from 1\.1 to 1\.14, such as 1\.6 or 1\.8\.4/);
});

test('the binary: migrate corefile prints the Corefile and, on stderr, each change; -o writes; the input is never touched', async () => {
  const old = dir.file('Corefile.old');
  writeFileSync(old, KUBEADM_1_2);
  const before = statSync(old).mtimeMs;
  const out = await runCli(['migrate', 'corefile', '-conf', 'Corefile.old'], { cwd: dir.path });
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, rows[0]!.want);
  assert.equal(out.stderr, 'Corefile.old:6: kubernetes: upstream dropped: deprecated in CoreDNS 1.4, ignored from 1.5, removed in 1.7 (external names are resolved through the server itself)\nCorefile.old:10: proxy is forward: CoreDNS deprecated proxy in 1.4 and removed it in 1.5; forward takes the same zone and upstreams\nCorefile.old: 2 changes\n');
  const written = await runCli(['migrate', 'corefile', '-conf', 'Corefile.old', '--from', '1.2', '-o', 'Corefile.new'], { cwd: dir.path });
  assert.deepEqual([written.code, written.stdout], [0, '']);
  assert.equal(readFileSync(dir.file('Corefile.new'), 'utf8'), rows[0]!.want);
  const refused = await runCli(['migrate', 'corefile', '-conf', 'Corefile.old', '-o', `${dir.path}/./Corefile.old`], { cwd: dir.path });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /that is the input, which migrate never touches/);
  assert.deepEqual([readFileSync(old, 'utf8'), statSync(old).mtimeMs], [KUBEADM_1_2, before]);
  const checked = await runCli(['check', '-conf', 'Corefile.new', '-dns.port', '1053'], { cwd: dir.path });
  assert.equal(checked.code, 0, checked.stdout);
  const from = await runCli(['migrate', 'corefile', '-conf', 'Corefile.old', '--from', '2.0'], { cwd: dir.path });
  assert.equal(from.code, 1);
  assert.match(from.stderr, /^--from 2\.0: expected a CoreDNS version/);
  const broken = dir.file('Corefile.broken');
  writeFileSync(broken, '. {\n    proxy . 1.1.1.1\n');
  const fails = await runCli(['migrate', 'corefile', '-conf', 'Corefile.broken'], { cwd: dir.path });
  assert.deepEqual([fails.code, fails.stdout], [1, '']);
  assert.match(fails.stderr, /^Corefile\.broken:1: unclosed block/);
});
