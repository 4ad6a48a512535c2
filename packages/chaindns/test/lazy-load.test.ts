import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { freePort, query } from '@chaindns/core/testing';
import { startChaindns, tempDir } from './harness.js';

// The distribution imports a plugin's package only when a Corefile uses its directive.

const run = promisify(execFile);
const cli = new URL('../src/cli.js', import.meta.url).pathname;
const hooks = new URL('./module-log.js', import.meta.url).href;

/** Node's arguments that log each `@chaindns/*` package the process imports to `log`. */
function logImports(log: string): string[] {
  writeFileSync(log, '');
  const data = JSON.stringify({ data: { log } });
  return ['--import', `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hooks)},${data})`];
}

const imported = (log: string): string[] => [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))].sort();

/** What any run imports: the core, and the native UDP transport the banner names. */
const BASE = ['@chaindns/core', '@chaindns/udp-native'];

test('-version and -plugins import no plugin package', async () => {
  const dir = tempDir('chaindns-lazy-');
  try {
    for (const flag of ['-version', '-plugins']) {
      const log = dir.file(`${flag}.log`);
      const { stdout } = await run(process.execPath, [...logImports(log), cli, flag]);
      assert.match(stdout, flag === '-version' ? /^chaindns-/ : /^whoami$/m);
      const plugins = imported(log).filter((s) => !BASE.includes(s));
      assert.deepEqual(plugins, [], `${flag} imported ${plugins.join(', ')}`);
      assert.ok(imported(log).includes('@chaindns/core'), 'the log works');
    }
  } finally {
    dir.remove();
  }
});

test('a whoami Corefile imports the whoami and bind packages and no other', async () => {
  const dir = tempDir('chaindns-lazy-');
  try {
    const log = dir.file('serve.log');
    const conf = dir.file('Corefile');
    writeFileSync(conf, '. {\n    bind 127.0.0.1\n    whoami\n}\n');
    const port = await freePort();
    const dns = await startChaindns(['-conf', conf, '-dns.port', String(port)], { nodeArgs: logImports(log) });
    try {
      assert.equal((await query(port, 'whoami.example', 'A')).rcode, 0);
    } finally {
      assert.equal(await dns.stop(), 0);
    }
    assert.deepEqual(imported(log).filter((s) => !BASE.includes(s)), ['@chaindns/bind', '@chaindns/whoami']);
  } finally {
    dir.remove();
  }
});

test("check imports the packages of the Corefile's directives (to parse, not to set up), migrate none", async () => {
  const dir = tempDir('chaindns-lazy-');
  try {
    const conf = dir.file('Corefile');
    writeFileSync(conf, '.:1053 {\n    bind 127.0.0.1\n    whoami\n}\n');
    const checkLog = dir.file('check.log');
    await run(process.execPath, [...logImports(checkLog), cli, 'check', '-conf', conf]);
    assert.deepEqual(imported(checkLog).filter((s) => !BASE.includes(s)), ['@chaindns/bind', '@chaindns/whoami']);
    writeFileSync(conf, '.:1053 {\n    kubernetes cluster.local {\n        upstream\n    }\n    proxy . 10.0.0.1\n}\n');
    const migrateLog = dir.file('migrate.log');
    await run(process.execPath, [...logImports(migrateLog), cli, 'migrate', 'corefile', '-conf', conf]);
    assert.deepEqual(imported(migrateLog).filter((s) => !BASE.includes(s)), []);
  } finally {
    dir.remove();
  }
});
