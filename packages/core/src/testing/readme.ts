import { readFileSync } from 'node:fs';
import { parseCorefile } from '../corefile/parser.js';
import type { AnyPluginDefinition } from '../plugin.js';
import { duplicateKeys } from '../server/plan.js';

/** The Corefile examples of a README: every block fenced as `~~~ corefile` (or ```corefile). */
export function readmeCorefiles(readmePath: string): string[] {
  const text = readFileSync(readmePath, 'utf8');
  const out: string[] = [];
  const fence = /^(~~~|```) ?corefile\s*\n([\s\S]*?)^\1\s*$/gm;
  for (let m = fence.exec(text); m; m = fence.exec(text)) out.push(m[2]!);
  return out;
}

/**
 * Parses a Corefile and runs `parse()` of every directive that one of
 * `plugins` defines (others are left to their own packages). Throws the first
 * configuration error, a zone and port that two blocks without a view (of
 * `plugins`) repeat too. For testing README examples without listening.
 */
export function checkCorefile(corefile: string, plugins: readonly AnyPluginDefinition[], file = 'README'): void {
  const parsed = parseCorefile(corefile, { file, defaultPort: 53, env: {} });
  const viewed = parsed.blocks.map((b) => b.directives.some((d) => plugins.find((p) => p.name === d.name)?.view === true));
  const duplicate = duplicateKeys(parsed.blocks, viewed)[0];
  if (duplicate) throw duplicate;
  for (const block of parsed.blocks) {
    const zones = [...new Set(block.keys.map((k) => k.zone))];
    for (const d of block.directives) {
      const def = plugins.find((p) => p.name === d.name);
      def?.parse(d, { zones, port: block.keys[0]?.port ?? 53, warn: () => {} });
    }
  }
}
