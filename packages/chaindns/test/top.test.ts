import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { freePort } from '@chaindns/core/testing';
import { type Chaindns, cli, eventually, runCli, startChaindns, tempDir } from './harness.js';
import { steadyLoad } from './pods.js';

// `chaindns top` in a real terminal: tmux runs it, capture-pane reads the screen, send-keys quits.

const dir = tempDir('chaindns-top-');
const session = `chaindns-top-${process.pid}`;
let dns: Chaindns;
let port: number;
let url: string;

before(async () => {
  port = await freePort();
  url = `http://127.0.0.1:${await freePort()}`;
  writeFileSync(dir.file('Corefile'), `.:${port} {\n    bind 127.0.0.1\n    dashboard ${url.slice(7)} {\n        token t0p\n    }\n    template IN A cluster.local {\n        answer "{{ .Name }} 60 IN A 10.96.0.10"\n    }\n}\n`);
  dns = await startChaindns(['-conf', dir.file('Corefile')]);
});
after(async () => {
  try {
    execFileSync('tmux', ['kill-session', '-t', session], { stdio: 'ignore' });
  } catch {
    // Already gone: q ended it.
  }
  await dns.stop();
  dir.remove();
});

const screen = (): string => execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
const sinceStart = (text: string): number => Number(/since start ([\d,]+)/.exec(text)?.[1]?.replace(/,/g, '') ?? NaN);

test('chaindns top in tmux: the figures on the screen, refreshed in place while queries come, and q quits', async () => {
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '40', process.execPath, cli, 'top', `${url}/?token=t0p`]);
  const load = steadyLoad(port, 4, 5);
  let first = '';
  await eventually(() => {
    first = screen();
    assert.match(first, /queries\/s [\d,]+ +since start [\d,]+/);
    assert.ok(sinceStart(first) > 0, first);
  }, 10_000);
  assert.match(first, new RegExp(`^chaindns \\S+  ${url.replace(/\./g, '\\.')}  up \\d+ min`));
  assert.match(first, /top names +top clients +top NXDOMAIN/);
  // The same screen, redrawn: the count grows, and nothing scrolled (the header stays on the first line).
  await eventually(() => {
    const now = screen();
    assert.ok(sinceStart(now) > sinceStart(first), `${sinceStart(first)} -> ${sinceStart(now)}`);
    assert.match(now.split('\n')[0]!, /^chaindns /);
    // Recorded while watched: by type and rcode.
    assert.match(now, /by type +A [\d,]+/);
    assert.match(now, /by rcode +NOERROR [\d,]+/);
  }, 10_000);
  await load;
  execFileSync('tmux', ['send-keys', '-t', session, 'q']);
  await eventually(() => {
    assert.throws(() => execFileSync('tmux', ['has-session', '-t', session], { stdio: 'ignore' }));
  }, 5000);
});

test('chaindns top: one frame when not on a terminal; a clear error without the token or the server', async () => {
  const once = await runCli(['top', `${url}/?token=t0p`], { cwd: dir.path });
  assert.equal(once.code, 0, once.stderr);
  assert.match(once.stdout, /queries\/s \d+/);
  const noToken = await runCli(['top', url], { cwd: dir.path });
  assert.equal(noToken.code, 1);
  assert.match(noToken.stderr, /needs the dashboard's token: chaindns top 'http:\/\/127\.0\.0\.1:\d+\/\?token=TOKEN'/);
  const nobody = await runCli(['top', `http://127.0.0.1:${await freePort()}/`], { cwd: dir.path });
  assert.equal(nobody.code, 1);
  assert.match(nobody.stderr, /cannot reach the dashboard at http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  const bad = await runCli(['top', 'ftp://x'], { cwd: dir.path });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /is not the dashboard's URL/);
});
