/** What one `forward` directive holds once parsed; several in a block are combined into one ForwardConfig. */

export type Policy = 'random' | 'round_robin' | 'sequential';

/** One upstream as written in TO (or read from a resolv.conf file). */
export interface UpstreamAddress {
  /** `dns` (UDP and TCP) or `tls` (DNS over TLS). */
  readonly protocol: 'dns' | 'tls';
  /** The IP address (an IPv6 zone kept, as `fe80::1%eth0`). */
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** `host:port` (`[v6]:port`): CoreDNS's `to` metric label. */
  readonly addr: string;
  /** A TLS server name given with the address (`tls://9.9.9.9%dns.quad9.net`), or null. */
  readonly servername: string | null;
}

/** The client side of DNS over TLS: PEM contents read at parse time. */
export interface TlsConfig {
  readonly cert: Buffer | null;
  readonly key: Buffer | null;
  /** Trusted CAs instead of the system ones, or null for the system CAs. */
  readonly ca: Buffer | null;
  /** `tls_servername`: SNI and the name the certificate must carry, or null. */
  readonly servername: string | null;
}

export interface HealthCheckConfig {
  readonly intervalMs: number;
  /** RD in the health check query (`no_rec` clears it). */
  readonly recursionDesired: boolean;
  /** The health check question's name (`. IN NS` by default). */
  readonly domain: string;
}

/** One `forward FROM TO... { ... }`. */
export interface StanzaConfig {
  /** FROM, a lowercased FQDN. */
  readonly from: string;
  /** `except` names (lowercased FQDNs) passed on to the next stanza or plugin. */
  readonly except: readonly string[];
  readonly upstreams: readonly UpstreamAddress[];
  readonly forceTcp: boolean;
  readonly preferUdp: boolean;
  /** Idle time after which a pooled socket or connection is closed. */
  readonly expireMs: number;
  /** An upstream is down once more than this many health checks in a row failed; 0 never marks one down. */
  readonly maxFails: number;
  /** For `tls://` upstreams; null when `tls` and `tls_servername` were not given. */
  readonly tls: TlsConfig | null;
  readonly policy: Policy;
  readonly healthCheck: HealthCheckConfig;
  /** 0 is unlimited. */
  readonly maxConcurrent: number;
  /** Rcodes whose replies go to the next stanza or plugin instead of the client. */
  readonly next: readonly number[];
  /** Rcodes whose replies make forward try the next upstream. */
  readonly failover: readonly number[];
  readonly failfastAllUnhealthy: boolean;
}

export interface ForwardConfig {
  /** In Corefile order; the handler orders them by specificity. */
  readonly stanzas: readonly StanzaConfig[];
}

/** CoreDNS's limits and defaults. */
export const MAX_UPSTREAMS = 15;
export const DEFAULT_EXPIRE_MS = 10_000;
export const DEFAULT_MAX_FAILS = 2;
export const DEFAULT_HEALTH_CHECK_MS = 500;
