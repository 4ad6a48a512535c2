import { ChainDNSError } from '../errors.js';
import type { AnyPluginDefinition } from '../plugin.js';

/**
 * The directives a server knows and their chain order (CoreDNS's plugin.cfg):
 * one table, whatever order a Corefile writes them in. Third-party
 * definitions take the place their `order` names.
 */
export class PluginRegistry {
  private readonly order: string[];
  private readonly definitions = new Map<string, AnyPluginDefinition>();

  /** `order` lists every directive name in chain order; `definitions` supplies them. */
  constructor(order: readonly string[], definitions: readonly AnyPluginDefinition[]) {
    this.order = [...order];
    for (const d of definitions) this.definitions.set(d.name, d);
    for (const name of this.order) {
      if (!this.definitions.has(name)) throw new ChainDNSError('CHAINDNS_PLUGIN_DEFINITION', `the order table names "${name}" but no definition was given`);
    }
    for (const d of definitions) if (!this.order.includes(d.name)) this.insert(d);
  }

  /** Adds a definition where its `order` says: before or after a named directive, else at the end. */
  add(definition: AnyPluginDefinition): this {
    if (this.definitions.has(definition.name)) throw new ChainDNSError('CHAINDNS_PLUGIN_DEFINITION', `plugin "${definition.name}" is defined twice`);
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

  get(name: string): AnyPluginDefinition | undefined {
    return this.definitions.get(name);
  }

  /** Directive names in chain order. */
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
    return copy;
  }
}
