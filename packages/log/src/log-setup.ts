import {
  configError,
  definePlugin,
  eachSubdirective,
  expectArgs,
  LineWriter,
  type LineWriterOptions,
  normalizeZone,
  type OutputStream,
  parseChoice,
  parseDuration,
  type PluginDefinition,
} from '@chaindns/core';
import { COMBINED_LOG_FORMAT, COMMON_LOG_FORMAT, parseFormat, UNSUPPORTED_PLACEHOLDERS } from './format.js';
import { createLog, type LogClass, type LogRule } from './log.js';

const SHORTCUTS: Readonly<Record<string, string>> = { '{common}': COMMON_LOG_FORMAT, '{combined}': COMBINED_LOG_FORMAT };
/** CoreDNS's default for a `minDuration` given without a value. */
const DEFAULT_MIN_DURATION_MS = 100;

export interface LogPluginOptions {
  /** Where query lines go. Default process.stdout. */
  readonly output?: OutputStream;
  /** Batching and the bound on waiting lines; defaults as the README says. */
  readonly sink?: Omit<LineWriterOptions, 'droppedLine'>;
}

/** Query lines wait up to 100ms to be written together; up to 4 MiB wait for a stalled output. */
const SINK_DEFAULTS: LineWriterOptions = {
  flushMs: 100,
  maxPendingBytes: 4 * 1024 * 1024,
  droppedLine: (n) => `[WARNING] plugin/log: ${n} query log lines dropped: the output did not keep up`,
};

/**
 * The `log` directive, writing to `options.output` (tests and embedders
 * inject a stream; the default `log` export writes to stdout):
 *
 *   log [NAMES...] [FORMAT] {
 *       class success|denial|error|all...
 *       minDuration [DURATION]
 *   }
 *
 * May be given several times in a block; the first rule whose name covers a
 * query logs it.
 */
export function logPlugin(options: LogPluginOptions = {}): PluginDefinition<LogRule[]> {
  return definePlugin<LogRule[]>({
    name: 'log',
    parse(d) {
      const args = [...expectArgs(d, 0)];
      // The last argument is the format when it holds a placeholder (CoreDNS: `{` in it).
      const formatToken = args.length > 0 && args.at(-1)!.text.includes('{') ? args.pop()! : null;
      const format = formatToken ? (SHORTCUTS[formatToken.text] ?? formatToken.text) : COMMON_LOG_FORMAT;
      for (const node of parseFormat(format)) {
        if ('placeholder' in node && node.placeholder in UNSUPPORTED_PLACEHOLDERS) {
          configError(formatToken!, `log: the ${node.placeholder} placeholder is not supported: ${UNSUPPORTED_PLACEHOLDERS[node.placeholder]}`);
        }
      }
      const classes = new Set<LogClass | 'all'>();
      let minDurationMs = 0;
      eachSubdirective(
        d,
        {
          class: (sub) => {
            for (const t of expectArgs(sub, 1)) classes.add(parseChoice(t, ['success', 'denial', 'error', 'all'] as const));
          },
          minDuration: (sub) => {
            const [t] = expectArgs(sub, 0, 1);
            minDurationMs = t ? parseDuration(t, { min: 0 }) : DEFAULT_MIN_DURATION_MS;
          },
        },
        ['class'],
      );
      const wanted: LogClass[] = classes.has('all') ? [] : [...classes].filter((c): c is LogClass => c !== 'all');
      const names = args.length === 0 ? ['.'] : args.flatMap(normalizeZone);
      return names.map((name) => ({ name, format, classes: wanted, minDurationMs }));
    },
    combine: (configs) => configs.flat(),
    async setup(rules, ctx) {
      const sink = await ctx.shared(
        'log sink',
        () => new LineWriter(options.output ?? process.stdout, { ...SINK_DEFAULTS, ...options.sink }),
        (s) => s.close(),
      );
      return createLog(rules, sink);
    },
  });
}

/** `log`, writing query lines to stdout. */
export const log = logPlugin();
