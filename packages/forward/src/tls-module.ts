import { createRequire } from 'node:module';

type Tls = typeof import('node:tls');

let tls: Tls | null = null;

/**
 * node:tls, loaded at its first use: by a `tls` option or a `tls://` upstream. A forward to plain
 * DNS upstreams (a node-local cache's) never loads it, which keeps 0.7 MB out of its process.
 */
export function nodeTls(): Tls {
  return (tls ??= createRequire(import.meta.url)('node:tls') as Tls);
}
