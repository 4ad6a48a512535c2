import { AUTHORS, definePlugin, expectNoBlock, VERSION } from '@chaindns/core';
import { createChaos, trim } from './chaos.js';

export interface ChaosConfig {
  /** `version.bind` and `version.server`. */
  readonly version: string;
  /** `authors.bind`, one TXT record each. */
  readonly authors: readonly string[];
}

/** `chaos [VERSION] [AUTHORS...]`: VERSION defaults to `chaindns-<version>`, AUTHORS to chaindns's. */
export const chaos = definePlugin<ChaosConfig>({
  name: 'chaos',
  // A block with chaos lets CH (and every other class) through to its chain.
  anyClass: true,
  parse(d) {
    expectNoBlock(d);
    const [version, ...authors] = d.args.map((t) => trim(t.text));
    // As CoreDNS: named authors are deduplicated and sorted.
    return { version: version ?? `chaindns-${VERSION}`, authors: authors.length > 0 ? [...new Set(authors)].sort() : AUTHORS };
  },
  setup: (config) => createChaos(config),
});
