import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Asks real dig (Debian's bind9-dnsutils) at 127.0.0.1:`port` with `args`
 * (one try, 3 seconds to wait: a later `+time=N` in `args` wins) and resolves
 * with what it prints. Asynchronous, so a server in this process answers it.
 */
export async function dig(port: number, ...args: string[]): Promise<string> {
  return (await run('dig', ['@127.0.0.1', '-p', String(port), '+time=3', '+tries=1', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 })).stdout;
}
