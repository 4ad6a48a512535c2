import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { npmEnv, repoRoot } from './harness.js';

const run = promisify(execFile);

// The README's first command is `npm ci`: on Node.js 20 it prints no warning (an engine a dependency
// does not support, install scripts not covered by the root package.json's allowScripts, ...).
test('npm ci at the repository root plans a clean install with no warning', async () => {
  const { stdout, stderr } = await run('npm', ['ci', '--dry-run', '--no-audit', '--no-fund'], { cwd: repoRoot, env: npmEnv(), timeout: 120_000 });
  assert.doesNotMatch(`${stdout}${stderr}`, /npm warn/i);
});
