import type { Directive, Token } from './corefile/types.js';
import { CorefileError } from './errors.js';
import type { ExternalSource } from './external-source.js';
import type { MetadataProvider } from './metadata.js';
import type { Remote } from './transport.js';
import type { Request, Transport } from './wire/request.js';

/** `autopath @NAME`: the search path of the client that sent a query. */
export interface SearchPathProvider {
  /**
   * The client's search domains, lowercased FQDNs in the order its resolver
   * tries them, ending with `.` when it also tries the bare name (CoreDNS's
   * AutoPathFunc); null when this client's path is unknown (autopath then
   * passes the query on untouched).
   */
  searchPath(req: Request): readonly string[] | null;
}

/**
 * `transfer`: a plugin's zones as records, for AXFR/IXFR out and NOTIFY
 * (CoreDNS's Transferer). Records are uncompressed wire form: owner name,
 * type, class, TTL, RDLENGTH, RDATA.
 */
export interface ZoneSource {
  /** The zones this plugin can transfer now (lowercased FQDNs). */
  zones(): readonly string[];
  /** The zone's SOA serial; null when the zone is not held (not loaded, or not ours). */
  serial(zone: string): number | null;
  /**
   * Every record of the zone, the SOA first and not repeated at the end
   * (transfer adds it); null when the zone is not held.
   */
  records(zone: string): Iterable<Buffer> | null;
  /** Calls `listener` with the zone whenever it changes to a new serial (transfer sends NOTIFY). */
  onChange(listener: (zone: string) => void): void;
}

/** One upstream of a forwarding plugin as it stands now: for a live view (the `dashboard` plugin). */
export interface UpstreamStatus {
  /** The zone its stanza forwards (`.`). */
  readonly from: string;
  /** Its address as the metrics' `to` label gives it (`127.0.0.1:53`). */
  readonly to: string;
  /** `dns` (UDP and TCP) or `tls`. */
  readonly protocol: 'dns' | 'tls';
  /** Marked down by its health checks (more than max_fails failed in a row). */
  readonly down: boolean;
  /** Health checks failed in a row. */
  readonly fails: number;
  /** Queries waiting for its reply now. */
  readonly inflight: number;
  /** Since the server started (the counts behind `coredns_forward_*`): queries sent, replies, and the replies' total time. */
  readonly requests: number;
  readonly responses: number;
  readonly rttSeconds: number;
}

/** `forward`: its upstreams' health and counts, read when asked (never on the query path). */
export interface UpstreamSource {
  upstreams(): readonly UpstreamStatus[];
}

/** One resource a cluster plugin keeps in sync. */
export interface ResourceSync {
  /** `Service`, `EndpointSlice`, `Namespace`, `Pod`. */
  readonly kind: string;
  /** `listing` (before its first sync), `watching`, `retrying` (the watch failed; the last data serves), `stopped`, or `files` (read from manifests). */
  readonly state: 'listing' | 'watching' | 'retrying' | 'stopped' | 'files';
  /** When it last heard of the API (a list, a watch event or bookmark) or read its files: Unix ms; null before that. */
  readonly lastEventAt: number | null;
}

/** `kubernetes`: how far its index is in sync with the cluster, read when asked. */
export interface ClusterSyncSource {
  /** The zones it serves (lowercased FQDNs). */
  readonly zones: readonly string[];
  /** Every resource has been loaded once. */
  synced(): boolean;
  /** Objects in the index, by kind (`services`, `endpointSlices`, `namespaces`, `pods`). */
  objects(): Readonly<Record<string, number>>;
  resources(): readonly ResourceSync[];
}

/**
 * `dnstap`: where a plugin that queries upstreams (forward) reports each
 * exchange, as CoreDNS's forward reports to the block's dnstap plugins
 * (FORWARDER_QUERY and FORWARDER_RESPONSE). Such a plugin asks for every
 * offer with `ctx.needAll('upstreamTap')` and, when there is none, does
 * nothing more per query.
 */
export interface UpstreamTap {
  /** One try, once it ended, with the upstream's reply or without one. Never throws, never waits. */
  upstream(exchange: UpstreamExchange): void;
}

/** One try of a query to an upstream, as UpstreamTap hears of it. */
export interface UpstreamExchange {
  /** The client's query the try is for. */
  readonly req: Request;
  /** The bytes sent upstream (read them during the call: the sender reuses them). */
  readonly query: Uint8Array;
  /** The upstream's reply; null when the try got none (a timeout, a refused port, a closed connection). */
  readonly reply: Uint8Array | null;
  /** When the query was sent, as performance.now(). */
  readonly sentAt: number;
  readonly upstream: Remote;
  /** `tcp` for TCP and TLS. */
  readonly transport: Transport;
}

/**
 * What a plugin may offer the others of its server block, by name. A
 * third-party package adds its own by declaration merging:
 * `declare module '@chaindns/core' { interface Capabilities { myThing: MyThing } }`.
 */
export interface Capabilities {
  searchPath: SearchPathProvider;
  zoneSource: ZoneSource;
  external: ExternalSource;
  /** Metadata about each query, under `plugin/name` labels, for the `metadata` plugin to collect. */
  metadata: MetadataProvider;
  upstreamTap: UpstreamTap;
  upstreams: UpstreamSource;
  clusterSync: ClusterSyncSource;
}

export type CapabilityName = keyof Capabilities;

/** A capability that another plugin offers, found once every setup of the block has run. */
export interface CapabilityRef<K extends CapabilityName> {
  /** The capability; read it at startup or query time, not during setup. */
  readonly value: Capabilities[K];
}

/** Every offer of one capability in a server block, by directive, in chain order; found once every setup has run. */
export interface CapabilityOffers<K extends CapabilityName> {
  /** The offers; read them at startup or query time, not during setup. */
  readonly value: ReadonlyArray<{ readonly directive: string; readonly value: Capabilities[K] }>;
}

interface Need {
  readonly directive: string;
  readonly capability: CapabilityName;
  readonly at: Token;
  readonly by: string;
  found: unknown;
}

/** One server block's offers and needs: plugins find each other by directive name, never by import. */
export class CapabilityBoard {
  private readonly offers = new Map<string, Map<CapabilityName, unknown>>();
  private readonly needs: Need[] = [];
  private readonly all: Array<{ capability: CapabilityName; by: string; found: Array<{ directive: string; value: unknown }> | undefined }> = [];

  offer<K extends CapabilityName>(directive: string, capability: K, value: Capabilities[K]): void {
    let byName = this.offers.get(directive);
    if (!byName) this.offers.set(directive, (byName = new Map()));
    byName.set(capability, value);
  }

  need<K extends CapabilityName>(by: string, directive: string, capability: K, at: Token | Directive): CapabilityRef<K> {
    const need: Need = { directive, capability, at: 'token' in at ? at.token : at, by, found: undefined };
    this.needs.push(need);
    return {
      get value(): Capabilities[K] {
        if (need.found === undefined) throw new Error(`${by}: capability ${capability} of ${directive} read before setup finished`);
        return need.found as Capabilities[K];
      },
    };
  }

  needAll<K extends CapabilityName>(by: string, capability: K): CapabilityOffers<K> {
    const need: (typeof this.all)[number] = { capability, by, found: undefined };
    this.all.push(need);
    return {
      get value() {
        if (need.found === undefined) throw new Error(`${by}: offers of ${capability} read before setup finished`);
        return need.found as Array<{ directive: string; value: Capabilities[K] }>;
      },
    };
  }

  /** Resolves every need once the block's setups have run; a missing plugin or capability fails at the token that named it. */
  settle(present: readonly string[]): void {
    for (const need of this.needs) {
      const where = (message: string): never => {
        throw new CorefileError('CHAINDNS_CAPABILITY', need.at.file, need.at.line, `${need.by}: ${message}`);
      };
      if (!present.includes(need.directive)) where(`needs the plugin "${need.directive}" in this server block, and it is not there`);
      const found = this.offers.get(need.directive)?.get(need.capability);
      if (found === undefined) where(`the plugin "${need.directive}" offers no ${need.capability}`);
      need.found = found;
    }
    for (const need of this.all) {
      need.found = [];
      for (const directive of present) {
        const value = this.offers.get(directive)?.get(need.capability);
        if (value !== undefined) need.found.push({ directive, value });
      }
    }
  }
}
