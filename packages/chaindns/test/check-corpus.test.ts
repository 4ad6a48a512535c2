import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { after, test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { readmeCorefiles } from '@chaindns/core/testing';
import { check, createServer, LACKING, ORDER } from '../src/index.js';
import { repoRoot, tempDir } from './harness.js';

// `chaindns check` against what the repository already holds: the broken Corefiles of the core's
// parser tests (each must fail with the message the server prints) and every README's Corefile
// examples (each must pass).

const dir = tempDir('chaindns-check-corpus-');
after(() => dir.remove());

interface Broken {
  readonly name: string;
  readonly text: string;
  readonly message: string;
  readonly file?: string;
}

const broken: Broken[] = JSON.parse(readFileSync(join(repoRoot, 'packages/core/test/fixtures/broken-corefiles.json'), 'utf8'));

/** Broken Corefiles of the plugins' own: what check finds without running setup, and the server finds at start. */
const pluginBroken: Broken[] = [
  { name: 'a directive chaindns lacks', text: '.:1053 {\n    bind 127.0.0.1\n    proxy . 192.0.2.1\n}\n', message: 'Corefile:3: unknown directive "proxy"' },
  { name: "a plugin's argument error", text: '.:1053 {\n    bind 127.0.0.1\n    cache {\n        success x\n    }\n}\n', message: 'Corefile:4: cache: success: expected an integer, got "x"' },
  { name: 'a directive given twice', text: '.:1053 {\n    bind 127.0.0.1\n    whoami\n    whoami\n}\n', message: 'Corefile:4: "whoami" may appear only once in a server block' },
  { name: 'a kubeconfig that is not there', text: '.:1053 {\n    bind 127.0.0.1\n    kubernetes cluster.local {\n        kubeconfig missing.kubeconfig\n    }\n}\n', message: 'Corefile:3: kubernetes: kubeconfig: missing.kubeconfig: no such file' },
  {
    name: 'manifests that are not there',
    text: '.:1053 {\n    bind 127.0.0.1\n    kubernetes cluster.local {\n        manifests /nonexistent/missing.yaml\n    }\n}\n',
    message: 'Corefile:4: kubernetes: manifests: /nonexistent/missing.yaml: no such file or directory',
  },
];

/** Starts the server (in process: the binary prints the error's message) on a Corefile that must not start. */
async function serverError(file: string): Promise<string> {
  const server = createServer({ corefile: { path: file }, defaultAddresses: ['127.0.0.1'], logger: { info() {}, warn() {}, error() {} } });
  const failed = await server.start().then(
    () => null,
    (err: Error) => err.message,
  );
  if (failed === null) {
    await server.stop();
    assert.fail('the server started');
  }
  return failed;
}

/** Runs `fn` with `cwd` as the working directory (the tests of this file run one after another). */
async function inDir<T>(cwd: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

let n = 0;
for (const row of [...broken, ...pluginBroken]) {
  test(`check fails as the server does on ${row.name}`, async () => {
    const cwd = dir.file(String(n++));
    const file = row.file ?? 'Corefile';
    mkdirSync(dirname(join(cwd, file)), { recursive: true });
    writeFileSync(join(cwd, file), row.text);
    await inDir(cwd, async () => {
      const printed = await serverError(file);
      assert.ok(printed.startsWith(row.message), `the server printed ${printed}`);
      const report = await check({ conf: file });
      assert.equal(report.ok, false);
      assert.equal(report.errors[0]?.message, printed);
    });
  });
}

/** The directives an example uses that the distribution does not ship yet (another package brings them). */
function unshipped(text: string): string[] {
  const names = parseCorefile(text, { env: {} }).blocks.flatMap((b) => b.directives.map((d) => d.name));
  return [...new Set(names.filter((name) => name in LACKING))];
}

const readmes = execFileSync('git', ['ls-files', '*.md'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && readmeCorefiles(join(repoRoot, f)).length > 0);

test('the READMEs hold Corefile examples', () => assert.ok(readmes.length >= 10, readmes.join(' ')));

for (const readme of readmes) {
  readmeCorefiles(join(repoRoot, readme)).forEach((text, i) => {
    const missing = unshipped(text);
    const todo = missing.length > 0 && `${missing.join(', ')}: not in the distribution yet`;
    test(`check passes ${readme} example ${i + 1}`, { todo }, async () => {
      const conf = dir.file(`readme-${n++}`);
      writeFileSync(conf, text);
      // Relative paths in the examples are the repository's (examples/cluster.yaml): run where they are.
      const report = await inDir(repoRoot, () => check({ conf }));
      // Files of the machine the example is for are not on this one: absolute paths (/etc/chaindns/kubeconfig) and bare
      // file names (CoreDNS's `file db.example.org`); a path into the repository (examples/cluster.yaml) must exist.
      const elsewhere = report.errors.filter((e) => {
        const path = /: ([^ ]+): no such file$/.exec(e.message)?.[1];
        return path !== undefined && (isAbsolute(path) || !path.includes('/')) && !existsSync(path);
      });
      assert.deepEqual(
        report.errors.filter((e) => !elsewhere.includes(e)).map((e) => e.message),
        [],
      );
    });
  });
}

/** CoreDNS 1.14's plugin.cfg, its directives in order. */
const COREDNS_PLUGINS = `root metadata geoip cancel proxyproto quic grpc_server https https3 timeouts multisocket reload
nsid bufsize bind debug trace ready health pprof shed prometheus errors log dnstap local dns64 any chaos loadbalance tsig
rewrite autopath acl cache header dnssec tls minimal template transfer hosts route53 azure clouddns k8s_external
kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view nomad`.split(/\s+/);

test('every CoreDNS plugin is shipped or in the table of what chaindns lacks, never both', () => {
  const shipped = new Set<string>(ORDER);
  assert.deepEqual(
    COREDNS_PLUGINS.filter((p) => !shipped.has(p) && !(p in LACKING)),
    [],
  );
  assert.deepEqual(
    Object.keys(LACKING).filter((p) => shipped.has(p)),
    [],
    'a directive that ships leaves the table',
  );
});

test("the repository's own Corefiles pass: Corefile.example, the image's default, the local example", async () => {
  for (const file of ['Corefile.example', 'deploy/Corefile', 'examples/Corefile.local']) {
    const report = await inDir(repoRoot, () => check({ conf: file, env: {} }));
    assert.deepEqual(
      report.errors.map((e) => e.message),
      [],
      file,
    );
  }
});
