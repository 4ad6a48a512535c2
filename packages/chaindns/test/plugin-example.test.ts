import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { npmEnv, repoRoot } from './harness.js';

// examples/plugin-hello is where a plugin author starts: copied out of the repository, it must
// install, build and pass its tests against @chaindns/core as npm publishes it (here: `npm pack`
// of packages/core), with nothing of the monorepo around it.

const run = promisify(execFile);
const example = join(repoRoot, 'examples/plugin-hello');
const dir = mkdtempSync(join(tmpdir(), 'chaindns-plugin-example-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// NODE_TEST_CONTEXT would make the copy's test runner report to ours; the copy has no native transport.
const env = npmEnv('NODE_TEST_CONTEXT', 'CHAINDNS_UDP');

const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund'], { cwd, env, timeout: 240_000 });

test('examples/plugin-hello, copied out of the repository, installs the packed core, builds and passes its tests', { timeout: 300_000 }, async () => {
  for (let d = dir; d !== dirname(d); d = dirname(d)) assert.ok(!existsSync(join(d, 'node_modules')), `${d} has node_modules: the copy would not stand alone`);
  const plugin = join(dir, 'plugin-hello');
  cpSync(example, plugin, { recursive: true, filter: (src) => !['node_modules', 'dist', '.turbo'].includes(basename(src)) });
  const packed = JSON.parse((await npm(['pack', '--json', '--pack-destination', dir], join(repoRoot, 'packages/core'))).stdout) as { filename: string }[];
  const tarball = join(dir, packed[0]!.filename);
  await npm(['install', '--prefer-offline', '--save-dev', tarball], plugin);
  const manifest = JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
  assert.equal(manifest.peerDependencies['@chaindns/core'], '^0.1.0', 'a semver peer range, satisfied by the packed core');
  const { stdout } = await npm(['test'], plugin);
  // node --test reports in TAP when its output is not a terminal up to Node.js 22, in its spec format from 23.
  assert.match(stdout, /^(# |ℹ )pass [1-9]/m);
  assert.match(stdout, /^(# |ℹ )fail 0$/m);
});
