/**
 * `k8s_external`: what a cluster plugin knows of its services' external
 * addresses (spec.externalIPs and load-balancer ingress), to answer for them
 * under another zone (CoreDNS's Externaler). Names are relative to that zone,
 * lowercased, without a trailing dot: `service.namespace`,
 * `endpoint.service.namespace`, `_port._protocol.service.namespace`.
 */
export interface ExternalSource {
  /**
   * What a name stands for: its items (none: the name exists without data,
   * NODATA), or null when it does not exist (NXDOMAIN). With `headless`, a
   * headless service (or an endpoint name) without external addresses
   * stands for its ready endpoints.
   */
  lookup(name: string, headless: boolean): readonly ExternalItem[] | null;
  /**
   * For PTR: the services (`service.namespace`) with the external address a
   * full reverse name stands for (`4.3.2.1.in-addr.arpa.`, lowercased), or
   * null when the name is no full reverse name.
   */
  reverse(qname: string): readonly string[] | null;
  /** This DNS server's own external addresses, the glue of the zone's NS record (CoreDNS's ExternalAddress). */
  nameservers(headless: boolean): readonly string[];
  /** The zone's SOA serial: the time of the last change seen. */
  serial(): number;
  /** False until the data has loaded once: a name not found then may just not have arrived. */
  synced(): boolean;
  /** Every name that has items, for a zone transfer. */
  names(headless: boolean): Iterable<string>;
}

/** One thing an external name stands for, as CoreDNS's msg.Service. */
export interface ExternalItem {
  /** An IP address (canonical form), or a host name (a load balancer's, answered with a CNAME). */
  readonly host: string;
  /** The port, -1 when the service declares none (no SRV record). */
  readonly port: number;
  /** The name that owns the address as an SRV target, relative as above (`service.namespace`, `endpoint.service.namespace`). */
  readonly target: string;
}
