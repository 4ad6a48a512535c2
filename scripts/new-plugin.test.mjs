// new-plugin's own test: in a copy of the repository, a new package builds, passes its tests and
// the lint, and the distribution loads it by its directive.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';

const repo = new URL('..', import.meta.url).pathname;
const copy = mkdtempSync(join(tmpdir(), 'new-plugin-'));
after(() => rmSync(copy, { recursive: true, force: true }));

test('npm run new-plugin NAME makes a package that builds, passes its tests and the lint, wired into the distribution', { timeout: 240_000 }, () => {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    try {
      cpSync(join(repo, f), join(copy, f));
    } catch {
      // A file deleted in the work tree but not yet in git.
    }
  }
  for (const d of ['node_modules', ...files.filter((f) => f.endsWith('/package.json')).map((f) => join(dirname(f), 'dist'))]) {
    try {
      cpSync(join(repo, d), join(copy, d), { recursive: true, verbatimSymlinks: true });
    } catch {
      // Not built: the build below makes it.
    }
  }
  // Without the runner's own variable, so the package's node --test prints its usual report.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { cwd: copy, encoding: 'utf8', env });
    assert.equal(r.status, 0, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  run(process.execPath, ['scripts/new-plugin.mjs', 'geo_fence', '--after', 'cache']);
  assert.match(readFileSync(join(copy, 'packages/chaindns/src/plugins.ts'), 'utf8'), /'cache', 'geo_fence',/);
  run('npx', ['tsc', '-b', 'packages/geo_fence', 'packages/chaindns']);
  assert.match(run('npm', ['test', '-w', '@chaindns/geo_fence']), /^(# |ℹ )fail 0$/m);
  run('git', ['init', '-q']);
  run('git', ['add', '-A']);
  run(process.execPath, ['scripts/lint.mjs']);
  const plugins = run(process.execPath, ['packages/chaindns/dist/src/cli.js', '-plugins']);
  assert.match(plugins, /cache\s+geo_fence/);
  const refused = spawnSync(process.execPath, ['scripts/new-plugin.mjs', 'geo_fence', '--no-install'], { cwd: copy, encoding: 'utf8' });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /packages\/geo_fence exists already/);
});
