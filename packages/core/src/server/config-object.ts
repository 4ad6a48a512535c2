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
  /** Zones, or keys with a scheme or a port (`tls://example.org`, `example.org:1053`); default `["."]`. */
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

/** Whether a key names its port: a colon after its scheme, past a CIDR's mask (`fd00::/64` names none). */
function hasPort(key: string): boolean {
  const rest = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return rest.lastIndexOf(':') > rest.indexOf('/');
}

export function configToCorefile(config: ServerConfig): string {
  return config.servers
    .map((s) => {
      const keys = (s.zones ?? ['.']).map((z) => (s.port !== undefined && !hasPort(z) ? `${z}:${s.port}` : z));
      return `${keys.join(' ')} {\n${s.plugins.map((p) => renderEntry(p, '    ')).join('\n')}\n}\n`;
    })
    .join('\n');
}
