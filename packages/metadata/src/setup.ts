import { definePlugin, expectNoBlock, parseZones, type Token } from '@chaindns/core';
import { createMetadata } from './metadata.js';

/** `metadata [ZONES...]`. */
export interface MetadataConfig {
  /** The zones whose queries get metadata: the arguments, else the server block's. */
  readonly zones: readonly string[];
  readonly at: Token;
}

/**
 * `metadata [ZONES...]`, as CoreDNS's: for every query of its zones that the
 * block serves, the metadata the block's plugins provide (the `metadata`
 * capability: kubernetes, view) is readable by the others: log's
 * `{/label}`, view's `metadata()`, template's `.Meta` and `metadata()`. A
 * value is computed when first read, not for every query.
 */
export const metadata = definePlugin<MetadataConfig>({
  name: 'metadata',
  parse(d, ctx) {
    expectNoBlock(d);
    return { zones: parseZones(d.args, ctx.zones), at: d.token };
  },
  setup(config, ctx) {
    ctx.collectMetadata(createMetadata(config.zones, ctx.needAll('metadata')), config.at);
  },
});
