import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { check, type CheckReport } from '../src/index.js';
import { firstUnprivilegedPort } from '../src/check-listeners.js';
import { runCli, tempDir } from './harness.js';

const dir = tempDir('chaindns-check-');
after(() => dir.remove());
let count = 0;
/** Writes a Corefile into the temp dir and checks it. */
async function checkText(text: string, options: { dnsPort?: number } = {}): Promise<CheckReport> {
  const conf = dir.file(`Corefile.${count++}`);
  writeFileSync(conf, text);
  return check({ conf, ...options });
}

const at = (report: CheckReport, kind: 'errors' | 'warnings'): string[] => report[kind].map((f) => f.message.replace(`${report.corefile}:`, 'Corefile:'));

mkdirSync(dir.file('manifests'));
writeFileSync(dir.file('manifests/ns.yaml'), 'kind: Namespace\napiVersion: v1\nmetadata:\n  name: default\n');
writeFileSync(dir.file('kubeconfig'), 'apiVersion: v1\nkind: Config\n');
writeFileSync(dir.file('hosts'), '127.0.0.1 localhost\n');

interface Row {
  readonly name: string;
  readonly corefile: string;
  readonly errors?: readonly RegExp[];
  readonly hints?: readonly RegExp[];
  readonly warnings?: readonly RegExp[];
}

const rows: readonly Row[] = [
  { name: 'the kubeadm Corefile', corefile: '.:1053 {\n errors\n health :0 {\n  lameduck 5s\n }\n ready :0\n kubernetes cluster.local in-addr.arpa ip6.arpa {\n  pods insecure\n  fallthrough in-addr.arpa ip6.arpa\n  ttl 30\n }\n prometheus :0\n forward . 127.0.0.1 {\n  max_concurrent 1000\n }\n cache 30\n loop\n reload\n loadbalance\n}\n' },
  {
    name: 'a syntax error stops at its line',
    corefile: '.:1053 {\n whoami\n',
    errors: [/^Corefile:1: unclosed block: expected '}' to close the '{' opened here before the end of the file$/],
  },
  {
    name: 'every unknown directive, each with what chaindns has instead',
    corefile: '.:1053 {\n proxy . 1.1.1.1\n federation cluster.local {\n  foo foo.example\n }\n forwrd . 1.1.1.1\n dnssec\n frobnicate\n whoami\n}\n',
    errors: [/^Corefile:2: unknown directive "proxy"; available: ([a-z0-9_]+, )*bind, /, /^Corefile:3: unknown directive "federation"/, /^Corefile:6: unknown directive "forwrd"/, /^Corefile:7: unknown directive "dnssec"/, /^Corefile:8: unknown directive "frobnicate"/],
    hints: [/^proxy: removed from CoreDNS in 1\.5; use forward, or run `chaindns migrate corefile`$/, /^federation: removed from CoreDNS in 1\.7/, /^forwrd: did you mean forward\? /, /^dnssec: not in chaindns$/, /^frobnicate: neither chaindns nor CoreDNS has it; a third-party plugin is the npm package chaindns-plugin-frobnicate/],
  },
  {
    name: 'the errors of several directives and blocks at once',
    corefile: '.:1053 {\n cache -1\n whoami\n whoami\n}\nexample.org:1053 {\n forward . not-an-ip\n}\n',
    errors: [/^Corefile:2: cache: /, /^Corefile:4: "whoami" may appear only once in a server block$/, /^Corefile:7: forward: not an IP address or file: "not-an-ip"$/],
  },
  {
    name: 'files the Corefile names: missing ones stop the server, an optional one is a warning',
    corefile: `.:1053 {\n kubernetes cluster.local {\n  kubeconfig ${dir.file('nope.conf')}\n }\n hosts ${dir.file('nope.hosts')}\n}\nexample.org:1053 {\n kubernetes {\n  manifests ${dir.file('manifests')} ${dir.file('missing.yaml')}\n }\n hosts ${dir.file('manifests')}\n}\nexample.net:1053 {\n kubernetes {\n  kubeconfig ${dir.file('kubeconfig')}\n }\n hosts ${dir.file('hosts')}\n}\n`,
    errors: [/^Corefile:2: kubernetes: kubeconfig: \S+nope\.conf: no such file$/, /^Corefile:9: kubernetes: manifests: \S+missing\.yaml: no such file or directory$/, /^Corefile:11: hosts: hosts file: \S+manifests: is a directory$/],
    warnings: [/^Corefile:5: hosts: hosts file: \S+nope\.hosts: no such file; the plugin starts without it$/],
  },
  {
    name: 'a block on one address and one on every address, same port',
    corefile: '.:1053 {\n whoami\n}\nexample.org:1053 {\n bind 127.0.0.1\n whoami\n}\nexample.net:1053 {\n bind 127.0.0.1\n whoami\n}\nexample.com:1054 {\n bind 127.0.0.1\n whoami\n}\n',
    errors: [/^Corefile:4: example\.org:1053 listens on 127\.0\.0\.1, and the block at \S+:1 on :: \(every address\), both port 1053: the second socket cannot be bound beside the first/, /^Corefile:8: example\.net:1053 listens on 127\.0\.0\.1, and the block at \S+:1 on ::/],
  },
  { name: 'blocks on different addresses of one port, or of one family each', corefile: '.:1053 {\n bind 127.0.0.1\n whoami\n}\nexample.org:1053 {\n bind 127.0.0.2 ::1\n whoami\n}\nexample.net:1053 {\n bind 127.0.0.1\n whoami\n}\n' },
  {
    name: '0.0.0.0 takes IPv4 addresses, not IPv6 ones',
    corefile: '.:1053 {\n bind 0.0.0.0\n whoami\n}\nexample.org:1053 {\n bind ::1\n whoami\n}\nexample.net:1053 {\n bind 127.0.0.1\n whoami\n}\n',
    errors: [/^Corefile:9: example\.net:1053 listens on 127\.0\.0\.1, and the block at \S+:1 on 0\.0\.0\.0 \(every IPv4 address\)/],
  },
  { name: 'an interface name resolves as bind resolves it', corefile: '.:1053 {\n bind lo\n whoami\n}\nexample.org:1053 {\n bind ::\n whoami\n}\n', errors: [/^Corefile:5: example\.org:1053 listens on :: \(every address\), and the block at \S+:1 on 127\.0\.0\.1/] },
  { name: 'bind that leaves no address', corefile: '.:1053 {\n bind 127.0.0.1 {\n  except 127.0.0.1\n }\n whoami\n}\n', errors: [/^Corefile:2: bind: no address left to listen on for \.$/] },
  {
    name: "options CoreDNS removed, and fallthrough where it sends the cluster's misses on",
    corefile: '.:1053 {\n kubernetes cluster.local {\n  upstream\n  resyncperiod 30s\n  endpoint http://a:8080 http://b:8080\n  fallthrough\n }\n forward . 127.0.0.1\n}\nexample.org:1053 {\n kubernetes {\n  fallthrough\n }\n}\n',
    warnings: [
      /^Corefile:3: kubernetes: upstream is no longer supported and is ignored/,
      /^Corefile:4: kubernetes: resyncperiod is no longer supported and is ignored/,
      /^Corefile:5: kubernetes: multiple endpoints are deprecated, only the first one "http:\/\/a:8080" is used$/,
      /^Corefile:6: kubernetes: fallthrough without zones passes every name of its zones that does not exist on to forward: /,
    ],
  },
];

for (const row of rows) {
  test(`check: ${row.name}`, async () => {
    const report = await checkText(row.corefile);
    const errors = at(report, 'errors');
    assert.equal(errors.length, row.errors?.length ?? 0, errors.join('\n'));
    row.errors?.forEach((re, i) => assert.match(errors[i]!, re));
    row.hints?.forEach((re, i) => assert.match(report.errors[i]!.hint ?? '', re));
    const warnings = at(report, 'warnings');
    assert.equal(warnings.length, row.warnings?.length ?? 0, warnings.join('\n'));
    row.warnings?.forEach((re, i) => assert.match(warnings[i]!, re));
    assert.equal(report.ok, (row.errors?.length ?? 0) === 0);
  });
}

test('check: a missing -conf is an error; a missing ./Corefile is the default Corefile, as the server', async () => {
  const missing = await check({ conf: dir.file('none') });
  assert.deepEqual(
    missing.errors.map((e) => e.message),
    [`chaindns: ${dir.file('none')}: no such file`],
  );
  const cwd = process.cwd();
  process.chdir(dir.file('manifests'));
  try {
    const fallback = await check();
    assert.equal(fallback.ok, true);
    assert.deepEqual(
      fallback.warnings.map((w) => w.message),
      ['Corefile: no such file: chaindns serves its default Corefile (whoami on .)'],
    );
  } finally {
    process.chdir(cwd);
  }
});

test('firstUnprivilegedPort: 0 for root or with CAP_NET_BIND_SERVICE, else the sysctl (1024 without it)', () => {
  const proc = (status: string, sysctl?: string): string => {
    const root = dir.file(`proc${count++}`);
    mkdirSync(join(root, 'self'), { recursive: true });
    mkdirSync(join(root, 'sys/net/ipv4'), { recursive: true });
    writeFileSync(join(root, 'self/status'), status);
    if (sysctl !== undefined) writeFileSync(join(root, 'sys/net/ipv4/ip_unprivileged_port_start'), sysctl);
    return root;
  };
  assert.equal(firstUnprivilegedPort(0, proc('CapEff:\t0000000000000000\n', '1024\n')), 0);
  assert.equal(firstUnprivilegedPort(1000, proc('Name:\tnode\nCapEff:\t0000000000000400\n', '1024\n')), 0);
  assert.equal(firstUnprivilegedPort(1000, proc('CapEff:\t00000000a80425fb\n', '1024\n')), 0, "docker's default set holds it");
  assert.equal(firstUnprivilegedPort(1000, proc('CapEff:\t0000000000000000\n', '53\n')), 53);
  assert.equal(firstUnprivilegedPort(1000, proc('CapEff:\t0000000000000000\n')), 1024);
});

/** Runs the binary as an unprivileged user: nobody when this is root. */
const unprivileged = { cwd: dir.path, ...(process.getuid?.() === 0 ? { uid: 65534 } : {}) };

test('the binary: exit 0 when the server would start, 1 when not; --json is the same report', async () => {
  chmodSync(dir.path, 0o755);
  writeFileSync(dir.file('good'), '.:1053 {\n whoami\n}\n');
  writeFileSync(dir.file('bad'), '.:1053 {\n proxy . 1.1.1.1\n whoami\n}\n');
  const good = await runCli(['check', '-conf', 'good'], { cwd: dir.path });
  assert.deepEqual(good, { code: 0, stdout: 'good: 0 errors, 0 warnings: chaindns would start\n', stderr: '' });
  const bad = await runCli(['check', '--conf=bad'], { cwd: dir.path });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /^bad:2: unknown directive "proxy"; available: .*\n  proxy: removed from CoreDNS in 1\.5; use forward, or run `chaindns migrate corefile`\nbad: 1 error, 0 warnings: chaindns would not start\n$/);
  const json = await runCli(['check', '-conf', 'bad', '--json'], { cwd: dir.path });
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout) as CheckReport;
  assert.deepEqual(Object.keys(report), ['corefile', 'ok', 'errors', 'warnings']);
  assert.equal(report.ok, false);
  assert.deepEqual(report.errors, [{ message: bad.stdout.split('\n')[0], file: 'bad', line: 2, code: 'CHAINDNS_UNKNOWN_DIRECTIVE', hint: 'proxy: removed from CoreDNS in 1.5; use forward, or run `chaindns migrate corefile`' }]);
  assert.deepEqual(report.warnings, []);
  const help = await runCli(['check', '-h'], { cwd: dir.path });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage of chaindns:\n.*\n  chaindns check \[-conf FILE\] \[-dns\.port N\] \[--json\]\n/);
  const usage = await runCli(['check', '-nosuch'], { cwd: dir.path });
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /flag provided but not defined: -nosuch/);
});

test('the binary as an unprivileged user: port 53 is a warning, an unreadable file an error', async () => {
  chmodSync(dir.path, 0o755);
  mkdirSync(dir.file('locked'));
  writeFileSync(dir.file('locked/kubeconfig'), '');
  chmodSync(dir.file('locked'), 0o700);
  writeFileSync(dir.file('low'), `. {\n whoami\n}\ncluster.local:1053 {\n kubernetes {\n  kubeconfig ${dir.file('locked/kubeconfig')}\n }\n}\n`);
  const { code, stdout } = await runCli(['check', '-conf', 'low'], unprivileged);
  assert.equal(code, 1, stdout);
  const lines = stdout.split('\n');
  assert.match(lines[0]!, /^low:5: kubernetes: kubeconfig: \S+locked\/kubeconfig: cannot be read \(EACCES\)$/);
  assert.match(lines[1]!, /^warning: low:1: port 53 is below 1024: this process \(uid \d+\) could not listen on it without root or CAP_NET_BIND_SERVICE/);
  const moved = await runCli(['check', '-conf', 'low', '-dns.port', '1053'], unprivileged);
  assert.doesNotMatch(moved.stdout, /port \d+ is below/, '-dns.port moves the keys that name no port');
});

test('check: the Corefile and its imports, errors at their own file and line', async () => {
  mkdirSync(dir.file('conf.d'));
  writeFileSync(dir.file('conf.d/a.conf'), 'example.org:1053 {\n    whoami\n    upstream\n}\n');
  writeFileSync(dir.file('conf.d/b.conf'), '(cached) {\n    cache {\n        success x\n    }\n}\n');
  const report = await checkText('import conf.d/*.conf\n.:1053 {\n    import cached\n    whoami\n}\n');
  assert.deepEqual(
    report.errors.map((e) => [e.message.replace(dir.path, ''), e.file?.replace(dir.path, ''), e.line]),
    [
      ['/conf.d/a.conf:3: unknown directive "upstream"; available: ' + report.errors[0]!.message.split('available: ')[1], '/conf.d/a.conf', 3],
      ['/conf.d/b.conf:3: cache: success: expected an integer, got "x"', '/conf.d/b.conf', 3],
    ],
  );
  const missing = await checkText('.:1053 {\n    import nowhere.conf\n}\n');
  assert.match(missing.errors[0]!.message, /^\S+:2: import nowhere\.conf: \S+nowhere\.conf is not a file$/);
});
