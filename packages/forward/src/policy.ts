import type { Policy } from './config.js';

/** The order in which one query tries the upstreams. */
export type Order = <T>(list: readonly T[]) => readonly T[];

/** CoreDNS's policies: `random` (a fresh shuffle per query), `round_robin` (each query starts at the next upstream), `sequential`. */
export function makeOrder(policy: Policy): Order {
  switch (policy) {
    case 'sequential':
      return (list) => list;
    case 'round_robin': {
      let robin = 0;
      // As CoreDNS: the next upstream first, then the others in their order.
      return (list) => {
        const i = ++robin % list.length;
        return i === 0 ? list : [list[i]!, ...list.slice(0, i), ...list.slice(i + 1)];
      };
    }
    case 'random':
      return (list) => {
        if (list.length < 2) return list;
        const out = [...list];
        for (let i = out.length - 1; i > 0; i--) {
          const j = Math.floor(Math.random() * (i + 1));
          [out[i], out[j]] = [out[j]!, out[i]!];
        }
        return out;
      };
  }
}
