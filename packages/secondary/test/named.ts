/** BIND's named as a real primary on 127.0.0.1, started and stopped by a test. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dig, eventually, freePort } from '@chaindns/core/testing';

export interface Named {
  readonly port: number;
  /** Writes a zone's file anew; `reload()` makes named read it. */
  setZone(zone: string, text: string): void;
  /** SIGHUP: named reloads its zones and sends NOTIFY for a new serial. */
  reload(): void;
  output(): string;
  /** Kills named and waits for it; `start()` runs it again on the same port and files. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  remove(): Promise<void>;
}

/**
 * named serving `zones` (name: master file text), transfers allowed to anyone,
 * IXFR from its journal (ixfr-from-differences), and NOTIFY only to `notify`
 * (a port on 127.0.0.1) when given.
 */
export async function startNamed(zones: Readonly<Record<string, string>>, options: { notify?: number } = {}): Promise<Named> {
  const dir = mkdtempSync(join(tmpdir(), 'chaindns-secondary-named-'));
  const port = await freePort();
  const file = (zone: string): string => join(dir, `db.${zone}`);
  for (const [zone, text] of Object.entries(zones)) writeFileSync(file(zone), text);
  const conf = join(dir, 'named.conf');
  writeFileSync(
    conf,
    [
      'options {',
      `  directory "${dir}";`,
      `  listen-on port ${port} { 127.0.0.1; };`,
      '  listen-on-v6 { none; };',
      '  recursion no;',
      '  dnssec-validation no;',
      '  minimal-responses no;',
      '  allow-transfer { any; };',
      '  ixfr-from-differences yes;',
      // IXFR however large the differences are next to the zone (BIND answers AXFR past 100% by default).
      '  max-ixfr-ratio unlimited;',
      options.notify ? `  notify explicit; also-notify { 127.0.0.1 port ${options.notify}; }; notify-delay 0;` : '  notify no;',
      `  pid-file "${join(dir, 'named.pid')}";`,
      '};',
      ...Object.keys(zones).map((zone) => `zone "${zone}" { type primary; file "${file(zone)}"; };`),
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  let out = '';
  let exited: Promise<void> = Promise.resolve();
  const named: Named = {
    port,
    setZone: (zone, next) => writeFileSync(file(zone), next),
    reload: () => child?.kill('SIGHUP'),
    output: () => out,
    async stop() {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      child = null;
    },
    async start() {
      const c = spawn('named', ['-g', '-c', conf, '-u', 'root', '-n', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      exited = new Promise((resolve) => c.once('exit', () => resolve()));
      await eventually(() => /all zones loaded/.test(out) || c.exitCode !== null, 20_000, 'named loads its zones');
      if (c.exitCode !== null) throw new Error(`named exited:\n${out}`);
      // Loaded is not yet listening on a busy machine: wait for an answer.
      const first = Object.keys(zones)[0]!;
      await eventually(async () => (await dig(port, first, 'SOA')).includes('SOA'), 10_000, 'named answers');
    },
    async remove() {
      await named.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await named.start();
  return named;
}
