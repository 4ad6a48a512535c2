import { type Handler, QType } from '@chaindns/core';
import { Shuffler } from './shuffle.js';
import type { Subnet } from './subnet.js';

export interface LoadbalanceConfig {
  /** The only policy chaindns implements; `weighted` is refused at parse time. */
  readonly policy: 'round_robin';
  /** `prefer` subnets, in priority order. */
  readonly prefer: readonly Subnet[];
}

/**
 * Wraps the writer and shuffles the A, AAAA and MX records of every NOERROR
 * reply in its wire bytes (zone transfers are left alone), as CoreDNS's
 * loadbalance does.
 */
export function createLoadbalance(config: LoadbalanceConfig, random: () => number = Math.random): Handler {
  const shuffler = new Shuffler(config.prefer, random);
  return {
    name: 'loadbalance',
    serveDNS(req, w, next) {
      if (req.qtype === QType.AXFR || req.qtype === QType.IXFR) return next(req, w);
      return next(req, {
        write(msg) {
          shuffler.shuffle(msg);
          w.write(msg);
        },
      });
    },
  };
}
