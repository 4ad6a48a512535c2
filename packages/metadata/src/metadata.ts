import { type CapabilityOffers, matchZone, Metadata, type MetadataCollector, type MetadataProvider } from '@chaindns/core';

/**
 * The collector of a block with `metadata` (CoreDNS's Metadata.Collect): a
 * query of `zones` gets the block's providers, asked in chain order when a
 * label is read; any other query gets none (every label reads as unset).
 */
export function createMetadata(zones: readonly string[], offers: CapabilityOffers<'metadata'>): MetadataCollector {
  // The offers are known once every setup of the block has run: read at the first query.
  let providers: readonly MetadataProvider[] | null = null;
  return (req) => {
    if (matchZone(zones, req.qname) === null) return null;
    providers ??= offers.value.map((o) => o.value);
    return new Metadata(providers, req);
  };
}
