/**
 * A catalog consumer (RFC 9432), as CoreDNS's secondary is one: after each
 * transfer of a catalog zone, its member zones are added (transferred from
 * the catalog's primaries), reset when their ID changes, removed when they
 * leave it, and moved from one catalog to another when the old catalog names
 * the new one as the member's change of ownership (`coo`); the member's data
 * is kept through the move when its ID stays the same. A member that is
 * already served (a zone of the configuration, or another catalog's member
 * without that `coo`) is skipped, and so is one outside the catalog's
 * `catalog MEMBER-ZONES`.
 */
import { isSubdomain, type Logger } from '@chaindns/core';
import type { Catalog, CatalogMember } from './catalog.js';
import type { Primary } from './primary.js';
import { type Held, ZoneKeeper } from './zone-keeper.js';

/** Told of each member zone served and each that goes. */
export interface MemberListener {
  added(zone: string, keeper: ZoneKeeper): void;
  removed(zone: string): void;
}

interface Member {
  readonly catalog: string;
  readonly id: string;
  readonly keeper: ZoneKeeper;
}

export class CatalogConsumer {
  private readonly members = new Map<string, Member>();
  /** The last catalog applied, by catalog zone. */
  private readonly catalogs = new Map<string, Catalog>();
  private readonly listeners = new Set<MemberListener>();

  constructor(
    /** The zones of the configuration: never a member. */
    private readonly configured: ReadonlySet<string>,
    /** Each catalog zone's `catalog MEMBER-ZONES` (empty for every member). */
    private readonly scopes: ReadonlyMap<string, readonly string[]>,
    private readonly log: Logger,
  ) {}

  /** Tells `listener` of every member served now and from now on; returns the function that stops it. */
  subscribe(listener: MemberListener): () => void {
    this.listeners.add(listener);
    for (const [zone, m] of this.members) listener.added(zone, m.keeper);
    return () => this.listeners.delete(listener);
  }

  /** A new transfer of the catalog zone `origin` (from `primaries`, which its members are transferred from too). */
  apply(origin: string, catalog: Catalog, primaries: readonly Primary[]): void {
    const listed = new Set<string>();
    let rejected = 0;
    for (const member of catalog.members) {
      if (!this.allowed(origin, member.zone)) {
        rejected++;
        continue;
      }
      listed.add(member.zone);
      this.place(origin, member, primaries);
    }
    for (const [zone, m] of this.members) {
      if (m.catalog === origin && !listed.has(zone)) {
        this.remove(zone);
        this.log.info(`Removed catalog member zone ${zone} from catalog ${origin}`);
      }
    }
    this.catalogs.set(origin, catalog);
    if (rejected > 0) this.log.warn(`Skipped ${rejected} member zones from catalog ${origin}: outside configured member zones`);
    this.log.info(`Parsed catalog zone ${origin} with ${catalog.members.length} member zones`);
  }

  async stop(): Promise<void> {
    const keepers = [...this.members.values()].map((m) => m.keeper);
    this.members.clear();
    await Promise.all(keepers.map((k) => k.stop()));
  }

  private allowed(origin: string, zone: string): boolean {
    const scope = this.scopes.get(origin) ?? [];
    return scope.length === 0 || scope.some((z) => isSubdomain(zone, z));
  }

  private place(origin: string, member: CatalogMember, primaries: readonly Primary[]): void {
    const zone = member.zone;
    const existing = this.members.get(zone);
    if (this.configured.has(zone)) {
      this.log.warn(`Skipping catalog member zone ${zone} from ${origin}: zone already exists`);
      return;
    }
    if (!existing) {
      this.replace(origin, member, primaries, null);
      this.log.info(`Added catalog member zone ${zone} from catalog ${origin}`);
      return;
    }
    if (existing.catalog === origin) {
      if (existing.id === member.id) return;
      this.replace(origin, member, primaries, null);
      this.log.info(`Reset catalog member zone ${zone} from ${origin} after member ID changed from ${existing.id} to ${member.id}`);
      return;
    }
    // Another catalog's member moves here only when that catalog says so (RFC 9432 section 5.1).
    const source = this.catalogs.get(existing.catalog)?.members.find((m) => m.zone === zone);
    if (!source || source.coo !== origin) {
      this.log.warn(`Skipping catalog member zone ${zone} from ${origin}: zone already exists`);
      return;
    }
    const preserved = existing.id === source.id && source.id === member.id;
    this.replace(origin, member, primaries, preserved ? existing.keeper.held : null);
    if (preserved) this.log.info(`Migrated catalog member zone ${zone} from catalog ${existing.catalog} to ${origin}, preserving state for member ID ${source.id}`);
    else this.log.info(`Migrated catalog member zone ${zone} from catalog ${existing.catalog} to ${origin} with state reset after member identity changed from ${source.id} to ${member.id}`);
  }

  /** Serves `member` with a keeper of its own (starting from `held` when given), in place of any before. */
  private replace(origin: string, member: CatalogMember, primaries: readonly Primary[], held: Held | null): void {
    if (this.members.has(member.zone)) this.remove(member.zone);
    const keeper = new ZoneKeeper(member.zone, primaries, this.log, { held });
    this.members.set(member.zone, { catalog: origin, id: member.id, keeper });
    keeper.start();
    for (const l of this.listeners) l.added(member.zone, keeper);
  }

  private remove(zone: string): void {
    const m = this.members.get(zone)!;
    this.members.delete(zone);
    void m.keeper.stop();
    for (const l of this.listeners) l.removed(zone);
  }
}
