import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { parseCorefile } from '../corefile/parser.js';
import type { PluginDefinition } from '../plugin.js';
import { planBlock } from '../server/plan.js';
import { PluginRegistry } from '../server/registry.js';

/** One row of a setup table, as CoreDNS's setup tests: a Corefile snippet that parses, or is refused. */
export interface SetupCase<Want = unknown> {
  /** The directive's lines, set in a server block `KEYS {\n TEXT\n}` (line 2 onwards); with `keys: null`, a whole Corefile. */
  readonly corefile: string;
  /** The server block's keys for this case, over the table's. */
  readonly keys?: string;
  /** The subtest's name; the snippet on one line unless told. */
  readonly name?: string;
  /** The config the snippet gives (through `view`, over `defaults`). Absent, and no `error`: that it parses is the test. */
  readonly want?: Want;
  /** The snippet is refused: the error's message matches. */
  readonly error?: RegExp;
  /** The warnings (`file:line: message` a line) match; without it, the snippet warns of nothing. */
  readonly warning?: RegExp;
}

export interface SetupCaseOptions<Config> {
  /** The keys of the block around each snippet; default `.`; null: each case is a whole Corefile. */
  readonly keys?: string | null;
  /** What a case's `want` is compared with: the config (the default), or a part of it without tokens. */
  readonly view?: (config: Config) => unknown;
  /** Each object `want` is merged over these. */
  readonly defaults?: object;
}

/**
 * Runs a table of setup cases, a subtest each: the first block's directives of
 * `plugin` parsed as a server plans them (the block's zones and port, several
 * occurrences combined, a second one without `combine` refused), then the
 * config compared with `want` or the error with `error`.
 */
export async function assertSetupCases<Config>(t: TestContext, plugin: PluginDefinition<Config>, cases: readonly SetupCase[], options: SetupCaseOptions<Config> = {}): Promise<void> {
  const registry = new PluginRegistry([plugin.name], [plugin]);
  for (const c of cases) {
    const keys = c.keys ?? options.keys;
    const text = keys === null ? c.corefile : `${keys ?? '.'} {\n ${c.corefile}\n}`;
    await t.test(c.name ?? c.corefile.replace(/\s+/g, ' ').slice(0, 100), () => {
      const warnings: string[] = [];
      const parse = (): Config => {
        const block = parseCorefile(text).blocks[0]!;
        const planned = planBlock(block, registry, { warn: (tok, message) => warnings.push(`${tok.file}:${tok.line}: ${message}`) });
        assert.equal(planned.length, 1, `the snippet has no ${plugin.name} directive`);
        return planned[0]!.config as Config;
      };
      if (c.error) {
        assert.throws(parse, (err: Error) => (assert.match(err.message, c.error!), true));
      } else {
        const config = parse();
        if ('want' in c) {
          const want = options.defaults && isObject(c.want) ? { ...options.defaults, ...c.want } : c.want;
          assert.deepEqual(options.view ? options.view(config) : config, want);
        }
      }
      if (c.warning) assert.match(warnings.join('\n'), c.warning);
      else assert.deepEqual(warnings, []);
    });
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
