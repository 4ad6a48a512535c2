import { configError, definePlugin, eachSubdirective, expectArgs, parseChoice, parseDuration, type Token } from '@chaindns/core';
import { type ConsolidateLevel, type ConsolidateRule, Consolidator } from './consolidate.js';
import { createErrors } from './errors.js';

export interface ErrorsConfig {
  readonly consolidate: readonly ConsolidateRule[];
}

/**
 * `errors [stdout] { consolidate DURATION REGEXP [LEVEL]; panicRecoveryStacktrace }`,
 * once per block. `panicRecoveryStacktrace` is always on in chaindns: the
 * core logs a crash with its stack.
 */
export const errors = definePlugin<ErrorsConfig>({
  name: 'errors',
  parse(d) {
    const [out] = expectArgs(d, 0, 1);
    if (out && out.text !== 'stdout') configError(out, `errors: invalid log file "${out.text}": errors are logged to stdout only`);
    const consolidate: ConsolidateRule[] = [];
    eachSubdirective(
      d,
      {
        consolidate: (sub) => {
          const [period, pattern, level] = expectArgs(sub, 2, 3);
          const periodMs = parseDuration(period!);
          if (periodMs <= 0) configError(period!, `errors: consolidate: the period must be above zero, got "${period!.text}"`);
          consolidate.push({
            periodMs,
            pattern: goRegExp(pattern!),
            source: pattern!.text,
            level: level ? parseChoice<ConsolidateLevel>(level, ['warning', 'error', 'info', 'debug']) : 'error',
          });
        },
        panicRecoveryStacktrace: (sub) => void expectArgs(sub, 0, 0),
      },
      ['consolidate'],
    );
    return { consolidate };
  },
  setup(config, ctx) {
    const consolidator = new Consolidator(config.consolidate, ctx.log);
    ctx.onShutdown(() => consolidator.stop());
    return createErrors(consolidator, ctx.log);
  },
});

/**
 * A Go (RE2) regular expression as a JavaScript one. Their common syntax is
 * the same; a leading flag group such as `(?i)` becomes the RegExp's flags.
 */
function goRegExp(token: Token): RegExp {
  const flagged = /^\(\?([a-zA-Z]+)\)/.exec(token.text);
  const flags = flagged?.[1] ?? '';
  if (/[^ims]/.test(flags)) configError(token, `errors: consolidate: the flag group "(?${flags})" is not supported: use i, m or s`);
  try {
    return new RegExp(token.text.slice(flagged?.[0].length ?? 0), flags);
  } catch (err) {
    configError(token, `errors: consolidate: "${token.text}" is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}
