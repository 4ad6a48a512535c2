import { encodeName, Rcode } from '@chaindns/core';
import type { Ended, Fix } from '../page/frame.js';

/** The `ndots` values weighed as fixes (FIXES' `ndots:N`). */
const NDOTS = [1, 2, 3, 4] as const;

/**
 * One lookup that went through its client's search path: a stub resolver
 * (glibc, musl) with `ndots:5` asking `NAME.<ns>.svc.D`, `NAME.svc.D`, `NAME.D`
 * (and the host's search domains) before, or instead of, `NAME.` itself.
 */
export interface Lookup {
  readonly client: string;
  /** The name the client was after: the one that answered (or, when none did, the name as given), an FQDN. */
  readonly name: string;
  /** Queries for search names before the last one: the amplification. */
  readonly expansions: number;
  /** A search name answered, the name as given answered, nothing did, or the client went quiet. */
  readonly ended: Ended;
  /** This reports more of a search already reported: it went on after a search name answered (with no data of the types asked). */
  readonly continued: boolean;
  /** What each fix would have saved (negative: cost) of the client's queries. */
  readonly saved: Readonly<Record<Fix, number>>;
}

/** How long a search waits for its client's next query (glibc waits up to 5 s for a reply, then tries again). */
const CHAIN_SECONDS = 10;
/** Searches followed at once per client, and clients followed: the classifier's memory is bounded by their product. */
const CHAINS_PER_CLIENT = 4;
const MAX_CLIENTS = 10_000;

/** Where a search name's suffix stands in a pod's search path `<ns>.svc.D svc.D D [host domains]`, then the name itself. */
const enum Level {
  Namespace = 1,
  Svc = 2,
  Domain = 3,
  Host = 4,
  Absolute = 5,
}

/** One client's search for one name, followed query by query. */
interface Chain {
  /** The last name asked. */
  last: string;
  /** The name before the search suffix; null until the second name shows it. */
  stem: string | null;
  level: Level | 0;
  readonly domain: string;
  /** The first name was under `<ns>.svc.D` (what autopath answers). */
  fromNamespace: boolean;
  /** Queries for the first name (one per type: 1, or 2 with A and AAAA). */
  first: number;
  /** Queries for the last name. */
  step: number;
  /** Every query for `last` answered NXDOMAIN. */
  nx: boolean;
  expansions: number;
  /** Expansions already reported (a search that went on after it was reported reports the rest). */
  reported: number;
  at: number;
}

/**
 * Tells which queries are search-path expansions: a query under the cluster
 * domain that answered NXDOMAIN and is followed, from the same client, by the
 * same name one search suffix shorter. Each finished search is reported once
 * as a Lookup, with what `autopath`, a trailing dot or a lower `ndots` would
 * have saved. Queries are fed in the order their answers were written.
 */
export class SearchPathClassifier {
  /** Expansion queries seen, since the start. */
  expansions = 0;
  private readonly clients = new Map<string, Chain[]>();
  /** The domains' wire forms, lowercased, for a look at a query's bytes without building its name. */
  private readonly wire: Buffer[];
  private now = 0;

  constructor(
    /** The cluster domains, lowercased FQDNs (`cluster.local.`). */
    readonly domains: readonly string[],
    private readonly report: (lookup: Lookup) => void,
  ) {
    this.wire = domains.map((d) => encodeName(d));
  }

  /**
   * True when a query can matter: its name ends like a cluster domain (read
   * from the question's bytes, nothing built), or its client has a search
   * open (its address is read only while some client has). Everything else
   * the handler passes on untouched.
   */
  wants(req: { readonly msg: Buffer; readonly nameEnd: number; readonly remote: { readonly address: string } }): boolean {
    for (const d of this.wire) if (endsWith(req.msg, req.nameEnd, d)) return true;
    return this.clients.size > 0 && this.clients.has(req.remote.address);
  }

  /** One query and the rcode its client got; `qname` lowercased FQDN. */
  observe(client: string, qname: string, rcode: number): void {
    const chains = this.clients.get(client);
    if (chains) {
      for (const chain of chains) {
        if (this.follow(client, chain, qname, rcode)) return;
      }
    }
    if (rcode !== Rcode.NXDOMAIN) return;
    const domain = this.domainOf(qname);
    if (domain === null) return;
    const chain: Chain = { last: qname, stem: null, level: 0, domain, fromNamespace: false, first: 1, step: 1, nx: true, expansions: 0, reported: 0, at: this.now };
    if (chains) {
      if (chains.length >= CHAINS_PER_CLIENT) this.close(client, chains.shift()!);
      chains.push(chain);
      return;
    }
    if (this.clients.size >= MAX_CLIENTS) {
      // The client heard from longest ago (Map keeps insertion order) makes room.
      const [oldest, old] = this.clients.entries().next().value as [string, Chain[]];
      for (const c of old) this.close(oldest, c);
      this.clients.delete(oldest);
    }
    this.clients.set(client, [chain]);
  }

  /** Moves time on (whole seconds) and closes the searches that went quiet. */
  tick(now: number): void {
    this.now = now;
    for (const [client, chains] of this.clients) {
      for (let i = chains.length - 1; i >= 0; i--) {
        if (now - chains[i]!.at < CHAIN_SECONDS) continue;
        this.close(client, chains[i]!);
        chains.splice(i, 1);
      }
      if (chains.length === 0) this.clients.delete(client);
    }
  }

  /** Searches being followed, for tests and the page. */
  get open(): number {
    let n = 0;
    for (const chains of this.clients.values()) n += chains.length;
    return n;
  }

  /** Feeds `qname` to `chain` when it belongs there; false when it does not. */
  private follow(client: string, chain: Chain, qname: string, rcode: number): boolean {
    if (qname === chain.last) {
      // The same name again: its other type (A and AAAA), or a retry.
      chain.at = this.now;
      chain.step++;
      if (chain.stem === null) chain.first++;
      if (rcode !== Rcode.NXDOMAIN) chain.nx = false;
      return true;
    }
    const next = this.nextLink(chain, qname);
    if (next === null) return false;
    this.expansions += chain.step;
    chain.expansions += chain.step;
    if (chain.stem === null) chain.fromNamespace = next.from === Level.Namespace;
    chain.stem = next.stem;
    chain.level = next.level;
    chain.last = qname;
    chain.step = 1;
    chain.nx = rcode === Rcode.NXDOMAIN;
    chain.at = this.now;
    // An answer ends the search; the name itself ends it whatever it got.
    if (next.level === Level.Absolute) this.finish(client, chain, chain.nx ? 'nxdomain' : 'absolute');
    else if (!chain.nx) this.finish(client, chain, 'search');
    return true;
  }

  /**
   * Whether `qname` is the search's next name after `chain.last`: the
   * stem, the level it is at, and (for the first step) the level the search
   * began at; null when it is not.
   */
  private nextLink(chain: Chain, qname: string): { stem: string; level: Level; from: Level } | null {
    const d = chain.domain;
    const svcD = d === '.' ? 'svc.' : `svc.${d}`;
    if (chain.stem === null) {
      // The first step: which suffix the first name had shows in what follows it.
      if (qname.endsWith(`.${svcD}`)) {
        const stem = qname.slice(0, -svcD.length - 1);
        const middle = chain.last.startsWith(`${stem}.`) && chain.last.endsWith(`.${svcD}`) ? chain.last.slice(stem.length + 1, -svcD.length - 1) : '';
        return middle !== '' && !middle.includes('.') ? { stem, level: Level.Svc, from: Level.Namespace } : null;
      }
      if (qname.endsWith(`.${d}`) && qname !== d) {
        const stem = qname.slice(0, -d.length - 1);
        return chain.last === `${stem}.${svcD}` ? { stem, level: Level.Domain, from: Level.Svc } : null;
      }
      const stem = chain.last.slice(0, -d.length - 1);
      return this.afterDomain(stem, qname, Level.Domain);
    }
    const stem = chain.stem;
    switch (chain.level) {
      case Level.Svc:
        return qname === `${stem}.${d}` ? { stem, level: Level.Domain, from: Level.Svc } : null;
      case Level.Domain:
      case Level.Host:
        return this.afterDomain(stem, qname, chain.level);
      default:
        return null;
    }
  }

  /** After the cluster domain come the host's search domains, then the name as given. */
  private afterDomain(stem: string, qname: string, from: Level): { stem: string; level: Level; from: Level } | null {
    if (qname === `${stem}.`) return { stem, level: Level.Absolute, from };
    if (qname.startsWith(`${stem}.`) && this.domainOf(qname) === null) return { stem, level: Level.Host, from };
    return null;
  }

  /** The cluster domain `qname` is in, or null. */
  private domainOf(qname: string): string | null {
    for (const d of this.domains) if (d === '.' || qname === d || qname.endsWith(`.${d}`)) return d;
    return null;
  }

  /** A search that went quiet: reported as unfinished when it had expansions not yet reported. */
  private close(client: string, chain: Chain): void {
    if (chain.expansions > chain.reported) this.finish(client, chain, 'unfinished');
  }

  private finish(client: string, chain: Chain, ended: Ended): void {
    const expansions = chain.expansions - chain.reported;
    if (expansions === 0) return;
    const again = chain.reported > 0;
    chain.reported = chain.expansions;
    const stem = chain.stem!;
    const dots = stem.split('.').length - 1;
    const saved = {} as Record<Fix, number>;
    // autopath answers the first query with what the search finds; a search that finds nothing is walked again.
    saved.autopath = chain.fromNamespace && (ended === 'search' || ended === 'absolute') ? expansions : 0;
    saved.trailing_dot = expansions;
    for (const n of NDOTS) {
      // With at least n dots the name is asked first: that ends a search the name answers, and costs a query per type before one a search name answers.
      const asked = !again && dots >= n;
      saved[`ndots:${n}`] = !asked ? 0 : ended === 'absolute' ? expansions : ended === 'search' ? -chain.first : 0;
    }
    const name = ended === 'search' ? chain.last : `${stem}.`;
    this.report({ client, name, expansions, ended, continued: again, saved });
  }
}

/** True when the name `msg[12, nameEnd)` ends with the wire name `suffix` (lowercased), letter case aside. */
function endsWith(msg: Buffer, nameEnd: number, suffix: Buffer): boolean {
  const at = nameEnd - suffix.length;
  if (at < 12) return false;
  for (let i = 0; i < suffix.length; i++) {
    let c = msg[at + i]!;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== suffix[i]) return false;
  }
  return true;
}
