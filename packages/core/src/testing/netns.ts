import { execFileSync, spawn } from 'node:child_process';
import { isIP } from 'node:net';

export interface NetnsRun {
  /** The exit code, or null when a signal (or the timeout) ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** How long it ran, in ms. */
  readonly ms: number;
}

export interface NetnsOptions {
  /**
   * Mount and PID namespaces too: mounts made inside are seen by nothing
   * outside, and every process the command starts dies with it (the kernel
   * ends a PID namespace with its first process), so a timeout leaves no
   * stray server behind.
   */
  readonly mount?: boolean;
  /** Addresses added to loopback, for a command that binds or answers on them. */
  readonly addresses?: readonly string[];
}

/** The `unshare` arguments and the shell line that brings loopback up (with its addresses), then becomes the command given after it. */
function unshareArgs(options: NetnsOptions): string[] {
  const flags = options.mount ? ['-n', '-m', '-p', '--fork', '--kill-child', '--mount-proc'] : ['-n'];
  const addresses = (options.addresses ?? []).map((a) => {
    if (!isIP(a)) throw new Error(`runInNetns: not an IP address: ${a}`);
    return ` && ip addr add ${a}/${isIP(a) === 4 ? 32 : 128} dev lo`;
  });
  return [...flags, 'sh', '-c', `ip link set lo up${addresses.join('')} && exec "$@"`, 'sh'];
}

/**
 * Why this machine cannot give a test a network namespace of its own
 * (`unshare -n` needs root or CAP_SYS_ADMIN; `ip` is iproute2), or with
 * `mount` also mount and PID namespaces, or null when it can. Tests that
 * need one skip with this reason.
 */
export function netnsUnavailable(options: Pick<NetnsOptions, 'mount'> = {}): string | null {
  try {
    execFileSync('unshare', [...unshareArgs(options), 'true'], { stdio: 'pipe' });
    return null;
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    const what = options.mount ? 'unshare -n -m -p' : 'unshare -n';
    return `no network namespace here (${what}, then ip link set lo up: ${stderr || (err as Error).message}); run as root with util-linux and iproute2`;
  }
}

/**
 * Runs `command args...` in a new network namespace whose only interface is
 * loopback (up): no route leads out, so traffic to any other address fails
 * at once and never leaves the machine. Killed after `timeoutMs`.
 */
export function runInNetns(command: string, args: readonly string[], options: NetnsOptions & { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<NetnsRun> {
  const start = performance.now();
  const child = spawn('unshare', [...unshareArgs(options), command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
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
