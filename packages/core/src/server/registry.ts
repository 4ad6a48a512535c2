import { ChainDNSError } from '../errors.js';
import type { AnyPluginDefinition } from '../plugin.js';

/**
 * A directive whose definition is loaded on first use: a distribution lists
 * its plugins this way, so a package is imported only when a Corefile names
 * its directive (`load: async () => (await import('@chaindns/x')).x`).
 */
export interface LazyPlugin {
  readonly name: string;
  load(): Promise<AnyPluginDefinition>;
}

/** What a registry is given for a directive: its definition, or how to load it. */
export type PluginSource = AnyPluginDefinition | LazyPlugin;

const isLazy = (entry: PluginSource): entry is LazyPlugin => 'load' in entry && typeof entry.load === 'function';

/**
 * The directives a server knows and their chain order (CoreDNS's plugin.cfg):
 * one table, whatever order a Corefile writes them in. Third-party
 * definitions take the place their `order` names.
 */
export class PluginRegistry {
  private readonly order: string[];
  private readonly definitions = new Map<string, AnyPluginDefinition>();
  /** Lazy entries not loaded yet; `load()` moves each into `definitions`. */
  private readonly loaders = new Map<string, LazyPlugin['load']>();

  /**
   * `order` lists every directive name in chain order; `entries` supply them,
   * as definitions or as lazy entries. A lazy entry must be named in `order`:
   * its definition's own `order` is unknown until it is loaded.
   */
  constructor(order: readonly string[], entries: readonly PluginSource[]) {
    this.order = [...order];
    for (const e of entries) {
      if (isLazy(e)) {
        if (!this.order.includes(e.name)) throw new ChainDNSError('CHAINDNS_PLUGIN_DEFINITION', `the lazy plugin "${e.name}" must be named in the order table`);
        this.loaders.set(e.name, () => e.load());
      } else {
        this.definitions.set(e.name, e);
      }
    }
    for (const name of this.order) {
      if (!this.has(name)) throw new ChainDNSError('CHAINDNS_PLUGIN_DEFINITION', `the order table names "${name}" but no definition was given`);
    }
    for (const e of entries) if (!isLazy(e) && !this.order.includes(e.name)) this.insert(e);
  }

  /** Adds a definition where its `order` says: before or after a named directive, else at the end. */
  add(definition: AnyPluginDefinition): this {
    if (this.has(definition.name)) throw new ChainDNSError('CHAINDNS_PLUGIN_DEFINITION', `plugin "${definition.name}" is defined twice`);
    this.definitions.set(definition.name, definition);
    this.insert(definition);
    return this;
  }

  private insert(d: AnyPluginDefinition): void {
    const anchor = d.order?.before ?? d.order?.after;
    if (anchor === undefined) {
      this.order.push(d.name);
      return;
    }
    const at = this.order.indexOf(anchor);
    if (at < 0) throw new ChainDNSError('CHAINDNS_PLUGIN_DEFINITION', `plugin "${d.name}" wants to go ${d.order?.before ? 'before' : 'after'} "${anchor}", which is not a known directive`);
    this.order.splice(d.order?.before ? at : at + 1, 0, d.name);
  }

  /** Whether the registry knows the directive, loaded or not. */
  has(name: string): boolean {
    return this.definitions.has(name) || this.loaders.has(name);
  }

  /** A loaded definition; undefined for an unknown directive. A lazy one not yet loaded is a caller's bug: `load()` it first. */
  get(name: string): AnyPluginDefinition | undefined {
    if (this.loaders.has(name)) throw new ChainDNSError('CHAINDNS_STATE', `plugin "${name}" is not loaded yet: await load("${name}") first`);
    return this.definitions.get(name);
  }

  /** The definition, importing a lazy one's package on first use; undefined for an unknown directive. */
  async load(name: string): Promise<AnyPluginDefinition | undefined> {
    const loader = this.loaders.get(name);
    if (!loader) return this.definitions.get(name);
    let definition: AnyPluginDefinition;
    try {
      definition = await loader();
    } catch (err) {
      throw new ChainDNSError('CHAINDNS_PLUGIN_NOT_FOUND', `plugin "${name}" cannot be loaded: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (definition?.name !== name) throw new ChainDNSError('CHAINDNS_PLUGIN_DEFINITION', `the loader of "${name}" gave the definition of "${String(definition?.name)}"`);
    this.loaders.delete(name);
    this.definitions.set(name, definition);
    return definition;
  }

  /** Directive names in chain order, loaded or not. */
  names(): readonly string[] {
    return this.order;
  }

  /** The position of a directive in the chain (lower runs first). */
  rank(name: string): number {
    return this.order.indexOf(name);
  }

  /** A registry with the same table, for adding plugins without changing this one. */
  clone(): PluginRegistry {
    const copy = new PluginRegistry([], []);
    copy.order.push(...this.order);
    for (const [k, v] of this.definitions) copy.definitions.set(k, v);
    for (const [k, v] of this.loaders) copy.loaders.set(k, v);
    return copy;
  }
}
