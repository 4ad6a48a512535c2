import { matchZone, type MetadataProvider } from '@chaindns/core';
import type { IndexReader } from './index-reader.js';
import { type NameParts, parseName, type PodMode, trimZone } from './records.js';

export interface MetadataOptions {
  readonly zones: readonly string[];
  readonly pods: PodMode;
  readonly index: IndexReader;
}

/** The parts of an apex name (the zone, `svc.`, `pod.`): CoreDNS sets them all, empty. */
const APEX: NameParts = { kind: 'svc', namespace: '', service: '', endpoint: '', port: '', protocol: '' };

const PREFIX = 'kubernetes/';

/**
 * CoreDNS's kubernetes metadata (its Metadata provider), each label computed
 * when read: `kubernetes/client-namespace`, the namespace of the pod at the
 * client's address (with `pods verified`); and for a name of the plugin's
 * zones the parts of the name: `kubernetes/kind` (`svc` or `pod`),
 * `namespace`, `service`, `endpoint`, `port-name` and `protocol` (of an SRV
 * name, without their `_`), or `kubernetes/parse-error` for a name that can
 * be no Kubernetes name.
 */
export function kubernetesMetadata(opts: MetadataOptions): MetadataProvider {
  return {
    metadata(req, label) {
      if (!label.startsWith(PREFIX)) return undefined;
      const name = label.slice(PREFIX.length);
      if (name === 'client-namespace') return opts.pods === 'verified' ? (opts.index.podNamespace(req.remote.address) ?? undefined) : undefined;
      const zone = matchZone(opts.zones, req.qname);
      if (zone === null) return undefined;
      const parsed = parseName(trimZone(req.qname, zone));
      if (parsed === null) return name === 'parse-error' ? 'invalid query name' : undefined;
      const parts = parsed === 'apex' ? APEX : parsed;
      switch (name) {
        case 'kind':
          return parsed === 'apex' ? '' : parts.kind;
        case 'namespace':
          return parts.namespace;
        case 'service':
          return parts.service;
        case 'endpoint':
          return parts.endpoint;
        case 'port-name':
          return parts.port;
        case 'protocol':
          return parts.protocol;
        default:
          return undefined;
      }
    },
  };
}
