import { Buckets, type Request } from '@chaindns/core';

/** CoreDNS's plugin.TimeBuckets: 0.25ms doubling to 8.192s. */
export const TIME_BUCKETS: readonly number[] = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);
/** CoreDNS's buckets for request and response sizes. */
export const SIZE_BUCKETS: readonly number[] = [0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3];

/** The query types CoreDNS labels by name (vars.monitorType); every other type counts as "other". */
export const TYPE_LABELS = ['A', 'AAAA', 'CNAME', 'DNSKEY', 'DS', 'MX', 'NSEC3', 'NSEC', 'NS', 'PTR', 'RRSIG', 'SOA', 'SRV', 'TXT', 'HTTPS', 'IXFR', 'AXFR', 'ANY', 'other'] as const;
const TYPE_CODES = [1, 28, 5, 48, 43, 15, 50, 47, 2, 12, 46, 6, 33, 16, 65, 251, 252, 255];
const OTHER = TYPE_LABELS.length - 1;
const TYPE_INDEX = new Uint8Array(256).fill(OTHER);
TYPE_CODES.forEach((code, i) => (TYPE_INDEX[code] = i));

/** The index of `qtype`'s label in TYPE_LABELS. */
export function typeIndex(qtype: number): number {
  return qtype < 256 ? TYPE_INDEX[qtype]! : OTHER;
}

export const PROTOS = ['udp', 'tcp'] as const;
/** CoreDNS's `family` label: 1 for IPv4, 2 for IPv6. */
export const FAMILIES = ['1', '2'] as const;

/**
 * What one (server, zone, view) has seen, in arrays indexed by small integers so
 * that counting a query hashes no label set. prom-client reads them at
 * scrape time (metrics.ts).
 */
export class ZoneStats {
  /** Requests by [proto][family][type]. */
  readonly requests = new Float64Array(PROTOS.length * FAMILIES.length * TYPE_LABELS.length);
  doRequests = 0;
  /** Durations by type, created on first use. */
  readonly durations: (Buckets | undefined)[] = [];
  readonly requestSizes = PROTOS.map(() => new Buckets(SIZE_BUCKETS));
  readonly responseSizes = PROTOS.map(() => new Buckets(SIZE_BUCKETS));
  /** Responses by plugin, then by rcode (the header's four bits). */
  readonly responses = new Map<string, Float64Array>();
  /** The plugin that answered last, and its row: queries come in runs answered by the same one. */
  private lastPlugin: string | null = null;
  private lastRow: Float64Array | null = null;

  constructor(
    readonly server: string,
    readonly zone: string,
    /** The view of the block that served them ('' without one). */
    readonly view: string,
  ) {}

  /** The responses row of `plugin`. */
  responsesOf(plugin: string): Float64Array {
    if (plugin === this.lastPlugin) return this.lastRow!;
    let row = this.responses.get(plugin);
    if (!row) this.responses.set(plugin, (row = new Float64Array(16)));
    this.lastPlugin = plugin;
    return (this.lastRow = row);
  }
}

/** How a query ended: the rcode the client got, who wrote it, the reply's size. */
export interface Outcome {
  readonly rcode: number;
  /** The plugin that wrote the reply; '' when the server wrote it. */
  readonly plugin: string;
  /** The reply's size in bytes; 0 when the server wrote it (as CoreDNS). */
  readonly size: number;
}

/** Every (server, zone, view) a registry's `prometheus` blocks have counted. */
export class DnsStats {
  private readonly servers = new Map<string, Map<string, ZoneStats>>();
  /** The (server, zone, view) counted last: most queries are of the one a listener served before. */
  private last: ZoneStats | null = null;

  /** Counts one finished query (CoreDNS's vars.Report); its duration goes into the histogram returned. */
  report(req: Request, outcome: Outcome): Buckets {
    const z = this.zone(req.server, req.zone, req.view);
    const proto = req.transport === 'tcp' ? 1 : 0;
    const type = typeIndex(req.qtype);
    const family = req.remote.family === 6 ? 1 : 0;
    const at = (proto * FAMILIES.length + family) * TYPE_LABELS.length + type;
    z.requests[at] = z.requests[at]! + 1;
    if (req.do) z.doRequests++;
    z.requestSizes[proto]!.observe(req.size);
    z.responseSizes[proto]!.observe(outcome.size);
    const byRcode = z.responsesOf(outcome.plugin);
    byRcode[outcome.rcode & 0x0f] = byRcode[outcome.rcode & 0x0f]! + 1;
    return (z.durations[type] ??= new Buckets(TIME_BUCKETS));
  }

  *zones(): Iterable<ZoneStats> {
    for (const zones of this.servers.values()) yield* zones.values();
  }

  private zone(server: string, zone: string, view: string): ZoneStats {
    const last = this.last;
    if (last !== null && last.server === server && last.zone === zone && last.view === view) return last;
    let zones = this.servers.get(server);
    if (!zones) this.servers.set(server, (zones = new Map()));
    // A name has no NUL (the wire form escapes it): zone and view apart.
    const key = view === '' ? zone : `${zone}\0${view}`;
    let z = zones.get(key);
    if (!z) zones.set(key, (z = new ZoneStats(server, zone, view)));
    return (this.last = z);
  }
}
