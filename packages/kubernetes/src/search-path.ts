import { readFileSync } from 'node:fs';
import { type Logger, matchZone, resolvConfSearch, type SearchPathProvider } from '@chaindns/core';
import type { IndexReader } from './index-reader.js';
import type { PodMode } from './records.js';

/** Paths remembered per zone (one per namespace) before the memo starts over. */
const MEMO_LIMIT = 4096;

export interface SearchPathOptions {
  readonly zones: readonly string[];
  readonly pods: PodMode;
  readonly index: IndexReader;
  /** The search domains of the server's own resolv.conf, appended to every path. */
  readonly hostSearch: readonly string[];
  readonly log: Logger;
}

/**
 * The search path of the pod that sent a query, for `autopath @kubernetes`,
 * as CoreDNS's kubernetes AutoPath builds it: `<namespace>.svc.<zone>`,
 * `svc.<zone>`, `<zone>`, the host's search domains, then the bare name (for
 * the root zone: `<namespace>.svc.`, `svc.`, `.`, ...). The namespace is the
 * pod's at the client's address. Null for names outside the plugin's zones,
 * for an address that is no pod's, and without `pods verified` (no pod is
 * known: said once in the log). A path is built once per namespace and zone.
 */
export function kubernetesSearchPath(opts: SearchPathOptions): SearchPathProvider {
  const byZone = new Map<string, Map<string, readonly string[]>>();
  let warned = false;
  return {
    searchPath(req) {
      const zone = matchZone(opts.zones, req.qname);
      if (zone === null) return null;
      if (opts.pods !== 'verified') {
        if (!warned) opts.log.warn('autopath needs "pods verified" to find a client\'s namespace: no search path is given');
        warned = true;
        return null;
      }
      const namespace = opts.index.podNamespace(req.remote.address);
      if (namespace === null) return null;
      let paths = byZone.get(zone);
      if (paths === undefined) byZone.set(zone, (paths = new Map()));
      let path = paths.get(namespace);
      if (path === undefined) {
        if (paths.size >= MEMO_LIMIT) paths.clear();
        const own = zone === '.' ? [`${namespace}.svc.`, 'svc.', '.'] : [`${namespace}.svc.${zone}`, `svc.${zone}`, zone];
        paths.set(namespace, (path = Object.freeze([...own, ...opts.hostSearch, '.'])));
      }
      return path;
    },
  };
}

/** The host's search domains, as CoreDNS reads them at setup; none when the file cannot be read. */
export function hostSearch(path = '/etc/resolv.conf'): string[] {
  try {
    return resolvConfSearch(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}
