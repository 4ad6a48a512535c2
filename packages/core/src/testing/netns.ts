import { execFileSync, spawn } from 'node:child_process';

export interface NetnsRun {
  /** The exit code, or null when a signal (or the timeout) ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** How long it ran, in ms. */
  readonly ms: number;
}

/** Brings loopback up in the new namespace, then becomes the command given after it. */
const UP_THEN_EXEC = 'ip link set lo up && exec "$@"';

/**
 * Why this machine cannot give a test a network namespace of its own
 * (`unshare -n` needs root or CAP_SYS_ADMIN; `ip` is iproute2), or null when
 * it can. Tests that need one skip with this reason.
 */
export function netnsUnavailable(): string | null {
  try {
    execFileSync('unshare', ['-n', 'sh', '-c', UP_THEN_EXEC, 'sh', 'true'], { stdio: 'pipe' });
    return null;
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    return `no network namespace here (unshare -n, then ip link set lo up: ${stderr || (err as Error).message}); run as root with util-linux and iproute2`;
  }
}

/**
 * Runs `command args...` in a new network namespace whose only interface is
 * loopback (up): no route leads out, so traffic to any other address fails
 * at once and never leaves the machine. Killed after `timeoutMs`.
 */
export function runInNetns(command: string, args: readonly string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<NetnsRun> {
  const start = performance.now();
  const child = spawn('unshare', ['-n', 'sh', '-c', UP_THEN_EXEC, 'sh', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - start });
    });
  });
}
