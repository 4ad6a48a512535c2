import type { Fix, Frame, TopRow } from '@chaindns/dashboard';

/** What `chaindns top` shows of a frame: plain lines (the caller fits them to the terminal). */
export interface TopContext {
  readonly url: string;
  readonly types: readonly string[];
  readonly rcodes: readonly string[];
  /** The stream is down and being opened again. */
  readonly reconnecting: boolean;
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const count = (n: number): string => int.format(n);
const ms = (v: number | null): string => (v === null ? '-' : `${v < 10 ? v.toFixed(2) : Math.round(v)} ms`);
const percent = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');
const FIXES: readonly Fix[] = ['autopath', 'trailing_dot', 'ndots:1', 'ndots:2', 'ndots:3', 'ndots:4'];

/** `label n  label n ...` for the non-zero counts. */
function counts(labels: readonly string[], values: readonly number[]): string {
  const parts = labels.map((l, i) => [l, values[i] ?? 0] as const).filter(([, n]) => n > 0);
  return parts.length ? parts.map(([l, n]) => `${l} ${count(n)}`).join('  ') : '-';
}

/** Columns of `rows` side by side, each `width` wide. */
function columns(titles: readonly string[], lists: readonly (readonly TopRow[])[], width: number, rows: number): string[] {
  const cell = (text: string): string => (text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text).padEnd(width);
  const out = [titles.map(cell).join('')];
  for (let i = 0; i < rows; i++) {
    if (lists.every((l) => !l[i])) break;
    out.push(
      lists
        .map((l) => {
          const r = l[i];
          if (!r) return cell('');
          const n = r.error > 0 ? `~${count(r.count)}` : count(r.count);
          const room = width - n.length - 2;
          return cell(`${(r.key.length > room ? `${r.key.slice(0, room - 1)}…` : r.key).padEnd(room)}${n}`);
        })
        .join(''),
    );
  }
  return out;
}

/** The lines of one frame. */
export function renderTop(frame: Frame, ctx: TopContext, width: number): string[] {
  const p = frame.point;
  const up = Math.max(0, Math.floor(Date.now() / 1000) - frame.startedAt);
  const clock = new Date(p.t * 1000).toTimeString().slice(0, 8);
  const sp = frame.searchPath;
  const lines = [
    `chaindns ${frame.version}  ${ctx.url}  up ${Math.floor(up / 60)} min  ${clock}${ctx.reconnecting ? '  (reconnecting...)' : ''}`,
    '',
    `queries/s ${count(p.qps)}   since start ${count(frame.queries)}   cache hits ${frame.cache ? percent(frame.cache.hits, frame.cache.requests) : '-'}   p50 ${ms(frame.latency.p50)}   p99 ${ms(frame.latency.p99)}`,
    `by rcode   ${counts(ctx.rcodes, p.rcodes)}`,
    `by type    ${counts(ctx.types, p.types)}`,
    '',
    `search path (${sp.domains.join(' ')}): ${count(sp.minute.expansions)} of the last minute's ${count(sp.minute.queries)} queries were expansions (${percent(sp.minute.expansions, sp.minute.queries)}); ${count(sp.total.expansions)} since start`,
    `  would save, last minute:  ${FIXES.map((f) => `${f} ${count(sp.fixes[f])}`).join('  ')}`,
  ];
  const half = Math.max(30, Math.floor(width / 2));
  lines.push(...columns(['  clients causing them', 'names looked for'], [sp.clients, sp.names], half, 5).map((l) => `  ${l}`));
  lines.push('', 'upstreams');
  if (frame.upstreams.length === 0) lines.push('  (no forward)');
  for (const u of frame.upstreams) lines.push(`  ${(u.protocol === 'tls' ? `tls://${u.to}` : u.to).padEnd(28)} ${u.down ? `DOWN (${u.fails} failed)` : 'up'.padEnd(4)}  ${count(u.qps).padStart(7)} q/s  ${ms(u.rttMs).padStart(9)}  ${u.inflight} in flight`);
  for (const c of frame.clusters) {
    const objects = Object.entries(c.objects)
      .map(([k, n]) => `${count(n)} ${k}`)
      .join(', ');
    lines.push('', `kubernetes ${c.zones.join(' ')}: ${c.synced ? 'synced' : 'NOT SYNCED'}; ${objects}`);
    lines.push(`  ${c.resources.map((r) => `${r.kind} ${r.state}${r.secondsSinceEvent === null ? '' : ` ${r.secondsSinceEvent}s ago`}`).join('  ')}`);
  }
  const third = Math.max(26, Math.floor(width / 3));
  lines.push('', ...columns(['top names', 'top clients', 'top NXDOMAIN'], [frame.top.names, frame.top.clients, frame.top.nxdomains], third, 10));
  return lines;
}
