import { configError, definePlugin, eachSubdirective, expectArgs, expectNoBlock, parseFallthrough, parseInteger, parseZones, type Token } from '@chaindns/core';
import { createK8sExternal } from './k8s_external.js';
import { externalZoneSource } from './zone-source.js';

/** What `k8s_external` takes from its Corefile lines. */
export interface K8sExternalConfig {
  /** The zones answered: the arguments, else the server block's (lowercased FQDNs). */
  readonly zones: readonly string[];
  /** The label under each zone that holds the name server's records; default `dns`. */
  readonly apex: string;
  /** TTL of every record, 0 to 3600; default 5. */
  readonly ttl: number;
  /** Headless services answer with their endpoints. */
  readonly headless: boolean;
  /** `fallthrough` zones: NXDOMAIN there goes to the next plugin; null when off. */
  readonly fallthrough: readonly string[] | null;
  /** The directive's token: where a missing kubernetes plugin is reported. */
  readonly at: Token;
}

/**
 * `k8s_external [ZONES...] { apex APEX; ttl TTL; headless; fallthrough
 * [ZONES...] }`: services' external addresses under a public zone, from the
 * kubernetes plugin of the same server block.
 */
export const k8s_external = definePlugin<K8sExternalConfig>({
  name: 'k8s_external',
  parse(d, ctx) {
    let apex = 'dns';
    let ttl = 5;
    let headless = false;
    let fallthrough: string[] | null = null;
    eachSubdirective(d, {
      apex(sub) {
        expectNoBlock(sub);
        const label = expectArgs(sub, 1, 1)[0]!;
        if (!/^[^\s.]+(\.[^\s.]+)*\.?$/.test(label.text)) configError(label, `k8s_external: apex: "${label.text}" is not a domain name`);
        apex = label.text.toLowerCase().replace(/\.$/, '');
      },
      ttl(sub) {
        expectNoBlock(sub);
        ttl = parseInteger(expectArgs(sub, 1, 1)[0]!, 0, 3600);
      },
      headless(sub) {
        expectNoBlock(sub);
        expectArgs(sub, 0, 0);
        headless = true;
      },
      fallthrough(sub) {
        expectNoBlock(sub);
        fallthrough = parseFallthrough(sub);
      },
    });
    return { zones: parseZones(d.args, ctx.zones), apex, ttl, headless, fallthrough, at: d.token };
  },
  setup(config, ctx) {
    // As CoreDNS, the kubernetes plugin of this block, whatever k8s_external's zones.
    const source = ctx.need('kubernetes', 'external', config.at);
    const options = { ...config, source: () => source.value };
    ctx.offer('zoneSource', externalZoneSource(options));
    return createK8sExternal({ ...options, resolve: (name, qtype, via) => ctx.resolve(name, qtype, via) });
  },
});
