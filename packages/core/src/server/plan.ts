import type { Corefile, Directive, ServerBlock, Token } from '../corefile/types.js';
import { CorefileError } from '../errors.js';
import type { AnyPluginDefinition } from '../plugin.js';
import type { PluginRegistry } from './registry.js';
import { checkCoreRange } from './version.js';

/** One directive of a server block, parsed: its definition and its config (combined when it repeats). */
export interface PlannedPlugin {
  readonly name: string;
  readonly definition: AnyPluginDefinition;
  readonly config: unknown;
}

export interface PlanOptions {
  /** Where `parse` warnings go (deprecated options and the like). */
  warn(token: Token, message: string): void;
  /**
   * Takes each configuration error, and the planning goes on with the next
   * directive (`chaindns check` reports them all). Without it the first error
   * is thrown, as a start does.
   */
  error?(error: unknown, at: Directive): void;
}

/**
 * Loads the definitions a Corefile uses and nothing more: the registry's lazy
 * entries, else `loadPlugin` (third-party packages), checked against this
 * core's version. A directive found nowhere is left for `planBlock` to report.
 */
export async function loadPlugins(corefile: Corefile, plugins: PluginRegistry, loadPlugin?: (name: string) => Promise<AnyPluginDefinition | undefined>): Promise<void> {
  for (const block of corefile.blocks) {
    for (const d of block.directives) {
      if ((await plugins.load(d.name)) || !loadPlugin) continue;
      const definition = await loadPlugin(d.name);
      if (!definition) continue;
      checkCoreRange(definition);
      plugins.add(definition);
    }
  }
}

/**
 * Parses every directive of a server block with its plugin's `parse` (pure:
 * nothing is opened or started) and returns them in chain order. Unknown
 * directives and a second occurrence of one without `combine` are errors,
 * with the position of the directive. The definitions must be loaded
 * (`loadPlugins`).
 */
export function planBlock(block: ServerBlock, plugins: PluginRegistry, options: PlanOptions): PlannedPlugin[] {
  const zones = [...new Set(block.keys.map((k) => k.zone))];
  const parseCtx = { zones, port: block.keys[0]?.port ?? 53, warn: options.warn };
  const fail = (error: unknown, at: Directive): void => {
    if (!options.error) throw error;
    options.error(error, at);
  };
  const byName = new Map<string, Directive[]>();
  for (const d of block.directives) {
    if (!plugins.get(d.name)) {
      fail(new CorefileError('CHAINDNS_UNKNOWN_DIRECTIVE', d.token.file, d.token.line, `unknown directive "${d.name}"; available: ${[...plugins.names()].sort().join(', ')}`), d);
      continue;
    }
    const list = byName.get(d.name) ?? [];
    list.push(d);
    byName.set(d.name, list);
  }
  const planned: PlannedPlugin[] = [];
  for (const [name, directives] of byName) {
    const definition = plugins.get(name)!;
    const second = directives[1];
    if (second && !definition.combine) {
      fail(new CorefileError('CHAINDNS_DIRECTIVE_ARGS', second.token.file, second.token.line, `"${name}" may appear only once in a server block`), second);
      continue;
    }
    const configs: unknown[] = [];
    for (const d of directives) {
      try {
        configs.push(definition.parse(d, parseCtx));
      } catch (err) {
        fail(err, d);
      }
    }
    if (configs.length < directives.length) continue;
    planned.push({ name, definition, config: definition.combine ? definition.combine(configs) : configs[0] });
  }
  return planned.sort((a, b) => plugins.rank(a.name) - plugins.rank(b.name));
}

/**
 * The keys that repeat the zone and port of a key before them (CoreDNS's
 * "already defined"), each a CorefileError at the later key. A block with a
 * view (`viewed`: one of its plugins declares `view`) shares its zones and
 * ports with the others, as CoreDNS lets filtered blocks do.
 */
export function duplicateKeys(blocks: readonly ServerBlock[], viewed: readonly boolean[]): CorefileError[] {
  const seen = new Map<string, Token>();
  const errors: CorefileError[] = [];
  blocks.forEach((block, i) => {
    if (viewed[i]) return;
    for (const key of block.keys) {
      const zone = key.scheme === 'dns' ? key.zone : `${key.scheme}://${key.zone}`;
      const id = `${zone} ${key.port}`;
      const first = seen.get(id);
      if (first) errors.push(new CorefileError('CHAINDNS_DUPLICATE_KEY', key.token.file, key.token.line, `zone ${zone} on port ${key.port} is already defined at ${first.file}:${first.line}`));
      else seen.set(id, key.token);
    }
  });
  return errors;
}

/** Whether a planned block has a view: a plugin of it declares `view`. */
export function hasView(planned: readonly PlannedPlugin[]): boolean {
  return planned.some((p) => p.definition.view === true);
}
