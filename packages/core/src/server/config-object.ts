/**
 * A Corefile as an object, for embedding without writing Corefile text:
 *
 *   { servers: [{ zones: ['.'], port: 1053, plugins: [['whoami'], ['forward', '.', '1.1.1.1']] }] }
 *
 * A plugin entry is `[name, ...args]`, or `{ name, args, block }` when it has
 * sub-directives. It is rendered as Corefile text and parsed like any other.
 */
export interface ServerConfig {
  readonly servers: readonly ServerBlockConfig[];
}

export interface ServerBlockConfig {
  /** Zones (or `zone:port` keys); default `["."]`. */
  readonly zones?: readonly string[];
  readonly port?: number;
  readonly plugins: readonly PluginEntry[];
}

export type PluginEntry = readonly [string, ...string[]] | DirectiveConfig;

export interface DirectiveConfig {
  readonly name: string;
  readonly args?: readonly string[];
  readonly block?: readonly PluginEntry[];
}

function quote(word: string): string {
  return /^[^\s"{}#]+$/.test(word) ? word : `"${word.replace(/["\\]/g, '\\$&')}"`;
}

function renderEntry(entry: PluginEntry, indent: string): string {
  const d: DirectiveConfig = Array.isArray(entry) ? { name: entry[0]!, args: entry.slice(1) } : (entry as DirectiveConfig);
  const head = indent + [d.name, ...(d.args ?? [])].map(quote).join(' ');
  if (!d.block) return head;
  return `${head} {\n${d.block.map((e) => renderEntry(e, indent + '    ')).join('\n')}\n${indent}}`;
}

export function configToCorefile(config: ServerConfig): string {
  return config.servers
    .map((s) => {
      const keys = (s.zones ?? ['.']).map((z) => (s.port !== undefined && !z.includes(':') ? `${z}:${s.port}` : z));
      return `${keys.join(' ')} {\n${s.plugins.map((p) => renderEntry(p, '    ')).join('\n')}\n}\n`;
    })
    .join('\n');
}
