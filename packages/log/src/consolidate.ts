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
  readonly periodMs: number;
  readonly level: ConsolidateLevel;
  /** The report for `count` messages. */
  readonly line: (count: number) => string;
  count: number;
  timer: NodeJS.Timeout | null;
}

interface RuleTally extends Tally {
  readonly pattern: RegExp;
}

/**
 * Error lines printed per second, at most, beyond the consolidate rules: an
 * upstream that is down fails every query, and a line for each of thousands
 * a second would bury the log (and the lines that say it recovered).
 */
export const ERRORS_PER_SECOND = 100;

/**
 * Folds error messages that match a rule into one line per period (CoreDNS's
 * errors plugin): the first match starts the period, and when it ends the
 * line says how many matched. A message matching no rule is not absorbed,
 * unless `perSecond` were already printed in this second: then it is counted
 * too, and one line at the end of the second says how many were not printed.
 */
export class Consolidator {
  private readonly tallies: RuleTally[];
  private readonly flood: Tally;
  private second = -Infinity;
  private printed = 0;
  private stopped = false;

  constructor(
    rules: readonly ConsolidateRule[],
    private readonly log: Logger,
    private readonly perSecond = ERRORS_PER_SECOND,
  ) {
    this.tallies = rules.map((rule) => ({
      pattern: rule.pattern,
      periodMs: rule.periodMs,
      level: rule.level,
      line: (n) => `${n} errors like '${rule.source}' occurred in last ${goDuration(rule.periodMs)}`,
      count: 0,
      timer: null,
    }));
    this.flood = { periodMs: 1000, level: 'warning', line: (n) => `${n} more errors occurred in last 1s, not printed: over ${perSecond} a second`, count: 0, timer: null };
  }

  /** True when `message` was counted (to be reported later); false when the caller must log it now. */
  absorb(message: string): boolean {
    if (this.stopped) return false;
    const tally = this.tallies.find((t) => t.pattern.test(message));
    if (tally) return this.count(tally);
    const now = performance.now();
    if (now - this.second >= 1000) {
      this.second = now;
      this.printed = 0;
    }
    if (this.printed < this.perSecond) {
      this.printed++;
      return false;
    }
    return this.count(this.flood, this.second + 1000 - now);
  }

  /** Reports what is counted and stops absorbing (the config is retired). */
  stop(): void {
    this.stopped = true;
    for (const t of [...this.tallies, this.flood]) this.report(t);
  }

  private count(t: Tally, reportInMs = t.periodMs): true {
    if (++t.count === 1) t.timer = setTimeout(() => this.report(t), reportInMs).unref();
    return true;
  }

  private report(t: Tally): void {
    if (t.timer) clearTimeout(t.timer);
    t.timer = null;
    if (t.count === 0) return;
    const line = t.line(t.count);
    t.count = 0;
    if (t.level === 'warning') this.log.warn(line);
    else this.log[t.level](line);
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
