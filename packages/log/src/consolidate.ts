import type { Logger } from '@chaindns/core';

export type ConsolidateLevel = 'warning' | 'error' | 'info' | 'debug';

/** `consolidate DURATION REGEXP [LEVEL]`. */
export interface ConsolidateRule {
  readonly periodMs: number;
  readonly pattern: RegExp;
  /** The REGEXP as written, for the summary line. */
  readonly source: string;
  readonly level: ConsolidateLevel;
}

interface Tally {
  readonly rule: ConsolidateRule;
  count: number;
  timer: NodeJS.Timeout | null;
}

/**
 * Folds error messages that match a rule into one line per period (CoreDNS's
 * errors plugin): the first match starts the period, and when it ends the
 * line says how many matched. A message matching no rule is not absorbed.
 */
export class Consolidator {
  private readonly tallies: Tally[];
  private stopped = false;

  constructor(
    rules: readonly ConsolidateRule[],
    private readonly log: Logger,
  ) {
    this.tallies = rules.map((rule) => ({ rule, count: 0, timer: null }));
  }

  /** True when `message` was counted (to be reported later); false when the caller must log it now. */
  absorb(message: string): boolean {
    if (this.stopped) return false;
    const tally = this.tallies.find((t) => t.rule.pattern.test(message));
    if (!tally) return false;
    if (++tally.count === 1) tally.timer = setTimeout(() => this.report(tally), tally.rule.periodMs).unref();
    return true;
  }

  /** Reports what is counted and stops absorbing (the config is retired). */
  stop(): void {
    this.stopped = true;
    for (const t of this.tallies) this.report(t);
  }

  private report(t: Tally): void {
    if (t.timer) clearTimeout(t.timer);
    t.timer = null;
    if (t.count === 0) return;
    const line = `${t.count} errors like '${t.rule.source}' occurred in last ${goDuration(t.rule.periodMs)}`;
    t.count = 0;
    const level = t.rule.level;
    if (level === 'warning') this.log.warn(line);
    else this.log[level](line);
  }
}

/** A duration as Go prints it (`30s`, `5m0s`, `1h0m0s`, `1.5s`, `250ms`), as in CoreDNS's line. */
export function goDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${decimal(ns, 1e3)}µs`;
  if (ns < 1e9) return `${decimal(ns, 1e6)}ms`;
  const h = Math.floor(ns / 3.6e12);
  const m = Math.floor((ns % 3.6e12) / 6e10);
  const s = decimal(ns % 6e10, 1e9);
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

/** `value / unit` with the fraction's trailing zeros dropped (integers, so no float noise). */
function decimal(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const frac = String(value % unit)
    .padStart(String(unit).length - 1, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}
