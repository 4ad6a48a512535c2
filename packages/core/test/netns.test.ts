import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { netnsUnavailable, runInNetns } from '../src/testing/index.js';

const skip = netnsUnavailable({ mount: true }) ?? false;

test('runInNetns: loopback up with the addresses asked for, and no other interface', { skip }, async () => {
  const run = await runInNetns('ip', ['-o', 'addr', 'show'], { timeoutMs: 10_000, addresses: ['169.254.20.10', 'fd00::53'] });
  assert.equal(run.code, 0, run.stderr);
  const addresses = [...run.stdout.matchAll(/^\d+: (\S+)\s+inet6? (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(addresses.sort(), ['lo 127.0.0.1/8', 'lo 169.254.20.10/32', 'lo ::1/128', 'lo fd00::53/128']);
});

test('runInNetns: an address that is not one is refused before anything runs', () => {
  assert.throws(() => runInNetns('true', [], { timeoutMs: 1000, addresses: ['10.0.0.1; reboot'] }), /not an IP address: 10\.0\.0\.1; reboot/);
});

test('runInNetns with mount: a mount made inside is seen by nothing outside', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chaindns-netns-'));
  try {
    const run = await runInNetns('sh', ['-c', 'mount -t tmpfs tmpfs "$0" && touch "$0/inside" && ls "$0"', dir], { timeoutMs: 10_000, mount: true });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'inside\n');
    assert.equal(existsSync(join(dir, 'inside')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runInNetns with mount: what the command started dies with it, on exit and on the timeout', { skip }, async () => {
  for (const [how, timeoutMs] of [
    ['exits', 10_000],
    ['waits', 500],
  ] as const) {
    // The PID namespace's own numbers mean nothing outside: the processes carry a marker to be found by.
    const marker = `chaindns-netns-${process.pid}-${how}`;
    const script = `(exec -a ${marker} sleep 300 </dev/null >/dev/null 2>&1) & ${how === 'exits' ? 'exit 0' : `exec -a ${marker} sleep 300`}`;
    const run = await runInNetns('bash', ['-c', script], { timeoutMs, mount: true });
    assert.equal(run.code, how === 'exits' ? 0 : null, run.stderr);
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(marker));
    assert.deepEqual(left, [], how);
  }
});
