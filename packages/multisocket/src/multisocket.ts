import type { Corefile } from '@chaindns/core';
import { multisocket } from './setup.js';

/**
 * The number of workers a Corefile asks for with `multisocket`: the largest
 * of its blocks' (a bare `multisocket` counts as `cpus`), or null when no
 * block has the directive. The directive is checked as the server will
 * (a bad argument throws with its file:line).
 */
export function workersOf(corefile: Corefile, cpus: number): number | null {
  let most: number | null = null;
  for (const block of corefile.blocks) {
    const zones = block.keys.map((k) => k.zone);
    for (const d of block.directives) {
      if (d.name !== multisocket.name) continue;
      const { sockets } = multisocket.parse(d, { zones, port: block.keys[0]?.port ?? 53, warn: () => {} });
      const n = sockets === 'auto' ? cpus : sockets;
      most = Math.max(most ?? 0, n);
    }
  }
  return most;
}
