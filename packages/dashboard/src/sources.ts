import type { CapabilityOffers, Registry } from '@chaindns/core';
import type { ClusterRow, UpstreamRow } from '../page/frame.js';

/** What one server block with `dashboard` shows of its other plugins (found through core's capabilities, never imported). */
export interface BlockSources {
  /** `forward`'s upstreams. */
  readonly upstreams: CapabilityOffers<'upstreams'>;
  /** `kubernetes`'s sync state. */
  readonly clusters: CapabilityOffers<'clusterSync'>;
}

/** Seconds over which an upstream's reply time is averaged. */
const RTT_SECONDS = 10;

interface Reading {
  readonly requests: number;
  readonly responses: number;
  readonly seconds: number;
}

/**
 * Reads the other plugins once a second while the page is open: the cache's
 * counters from the server's registry (the numbers /metrics shows), forward's
 * upstreams and kubernetes's sync through the capabilities they offer.
 */
export class SourceReader {
  /** The last RTT_SECONDS readings of each upstream, newest last. */
  private readonly readings = new Map<string, Reading[]>();

  constructor(private readonly registry: Registry) {}

  /** Forgets the readings (nobody watched for a while: a rate across the gap would mislead). */
  reset(): void {
    this.readings.clear();
  }

  /** coredns_cache_hits_total and coredns_cache_requests_total, summed over their labels; null when no cache registered them. */
  async cache(): Promise<{ hits: number; requests: number } | null> {
    const hits = await this.sum('coredns_cache_hits_total');
    const requests = await this.sum('coredns_cache_requests_total');
    return hits === null || requests === null ? null : { hits, requests };
  }

  private async sum(name: string): Promise<number | null> {
    const metric = this.registry.getSingleMetric(name);
    if (!metric) return null;
    const { values } = await metric.get();
    return values.reduce((n, v) => n + v.value, 0);
  }

  /** Every upstream once (forward counts by address, whichever stanza sends), with its rate and reply time. */
  upstreams(blocks: Iterable<BlockSources>): UpstreamRow[] {
    const rows = new Map<string, UpstreamRow>();
    for (const block of blocks) {
      for (const { value } of block.upstreams.value) {
        for (const u of value.upstreams()) {
          if (rows.has(u.to)) continue;
          const seen = this.readings.get(u.to) ?? [];
          const reading = { requests: u.requests, responses: u.responses, seconds: u.rttSeconds };
          const last = seen.at(-1);
          const oldest = seen[0];
          const replies = oldest ? reading.responses - oldest.responses : 0;
          rows.set(u.to, {
            from: u.from,
            to: u.to,
            protocol: u.protocol,
            down: u.down,
            fails: u.fails,
            inflight: u.inflight,
            qps: last ? reading.requests - last.requests : 0,
            rttMs: replies > 0 ? ((reading.seconds - oldest!.seconds) / replies) * 1000 : null,
            requests: u.requests,
            responses: u.responses,
          });
          seen.push(reading);
          if (seen.length > RTT_SECONDS) seen.shift();
          this.readings.set(u.to, seen);
        }
      }
    }
    // An upstream no config names any more is forgotten.
    for (const to of this.readings.keys()) if (!rows.has(to)) this.readings.delete(to);
    return [...rows.values()];
  }

  /** Each `kubernetes` of the dashboard's blocks: its index and the state of each watch. */
  clusters(blocks: Iterable<BlockSources>, nowMs: number): ClusterRow[] {
    const rows: ClusterRow[] = [];
    for (const block of blocks) {
      for (const { value } of block.clusters.value) {
        rows.push({
          zones: value.zones,
          synced: value.synced(),
          objects: value.objects(),
          resources: value.resources().map((r) => ({ kind: r.kind, state: r.state, secondsSinceEvent: r.lastEventAt === null ? null : Math.max(0, Math.round((nowMs - r.lastEventAt) / 1000)) })),
        });
      }
    }
    return rows;
  }
}
