import { ChainDNSError, CorefileError } from '@chaindns/core';

/** One thing `chaindns check` found. */
export interface Finding {
  /** As the server prints it: `file:line: what` where it has a place. */
  readonly message: string;
  readonly file: string | null;
  readonly line: number | null;
  /** The error's code (CHAINDNS_...), for errors. */
  readonly code?: string;
  /** What to do about it: for a directive chaindns lacks, the nearest it has. */
  readonly hint?: string;
}

/** What `chaindns check` reports on a Corefile. */
export interface CheckReport {
  /** The Corefile's path as given. */
  readonly corefile: string;
  /** True when the server would start: no error. */
  readonly ok: boolean;
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
}

export interface Position {
  readonly file: string;
  readonly line: number;
}

/** Collects errors (the server would stop on them) and warnings (it would start and say so). */
export class Findings {
  readonly errors: Finding[] = [];
  readonly warnings: Finding[] = [];

  /** An error as thrown: a CorefileError carries its place, else `at` gives it. */
  error(err: unknown, at?: Position, hint?: string): void {
    const place = err instanceof CorefileError ? { file: err.file, line: err.line } : at;
    this.errors.push({
      message: err instanceof Error ? err.message : String(err),
      file: place?.file ?? null,
      line: place?.line ?? null,
      ...(err instanceof ChainDNSError ? { code: err.code } : {}),
      ...(hint ? { hint } : {}),
    });
  }

  /** A warning at `at`; without a place, `message` is all there is to say. */
  warn(at: Position | null, message: string): void {
    this.warnings.push(at ? { message: `${at.file}:${at.line}: ${message}`, file: at.file, line: at.line } : { message, file: null, line: null });
  }

  /** The findings in the order of the Corefile: by file (as first met), then line. */
  report(corefile: string): CheckReport {
    const files = [...new Set([...this.errors, ...this.warnings].map((f) => f.file))];
    const order = (a: Finding, b: Finding): number => files.indexOf(a.file) - files.indexOf(b.file) || (a.line ?? 0) - (b.line ?? 0);
    return { corefile, ok: this.errors.length === 0, errors: [...this.errors].sort(order), warnings: [...this.warnings].sort(order) };
  }
}

/** The report as text: each error as the server prints it (and its hint below), each warning, a summary. */
export function formatReport(report: CheckReport): string {
  const lines: string[] = [];
  for (const e of report.errors) lines.push(e.message, ...(e.hint ? [`  ${e.hint}`] : []));
  for (const w of report.warnings) lines.push(`warning: ${w.message}`);
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const verdict = report.ok ? 'chaindns would start' : 'chaindns would not start';
  lines.push(`${report.corefile}: ${count(report.errors.length, 'error')}, ${count(report.warnings.length, 'warning')}: ${verdict}`);
  return lines.join('\n');
}
