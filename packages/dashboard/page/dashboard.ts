import { HistogramChart, type SeriesSpec, TimeChart } from './charts.js';
import type { Fix, Frame, Point, Snapshot, TopRow } from './frame.js';

// The page: a snapshot of the last five minutes, then one frame a second from the stream.
// Names and clients come from DNS queries: they go in as text, never as HTML.

const HISTORY = 300;
const token = new URLSearchParams(location.search).get('token');
const auth = token ? `?token=${encodeURIComponent(token)}` : '';
const byId = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function count(n: number): string {
  return int.format(n);
}
function ms(v: number | null): string {
  return v === null ? '–' : v < 10 ? dec.format(v) : int.format(v);
}
function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–';
}
function setText(id: string, text: string): void {
  const el = byId(id);
  if (el.textContent !== text) el.textContent = text;
}

let history: Point[] = [];
let types: readonly string[] = [];
let rcodes: readonly string[] = [];
let frames = 0;
const charts: { rcodes: TimeChart | null; types: TimeChart | null; latency: TimeChart | null; histogram: HistogramChart | null } = { rcodes: null, types: null, latency: null, histogram: null };

function buildCharts(): void {
  const colors = (names: readonly string[]): SeriesSpec[] => names.map((label, i) => ({ label, color: `--s${(i % 11) + 1}` }));
  charts.rcodes = new TimeChart(byId('chart-rcodes'), [{ label: 'all', color: '--text' }, ...colors(rcodes)]);
  charts.types = new TimeChart(byId('chart-types'), colors(types));
  charts.latency = new TimeChart(byId('chart-latency'), [
    { label: 'p50 ms', color: '--s1', format: ms },
    { label: 'p99 ms', color: '--s2', format: ms },
    { label: 'cache hits', color: '--s3', right: true, format: (v) => `${(100 * v).toFixed(1)}%` },
  ]);
  charts.histogram = new HistogramChart(byId('chart-histogram'));
}

/** A point recorded while nobody watched has no types, rcodes or latency: a gap, not a zero. */
const watchedOr = (p: Point, v: number | null): number | null => (p.watched ? v : null);

function drawHistory(): void {
  const t = history.map((p) => p.t);
  charts.rcodes?.setData([t, history.map((p) => p.qps), ...rcodes.map((_, i) => history.map((p) => watchedOr(p, p.rcodes[i] ?? 0)))]);
  charts.types?.setData([t, ...types.map((_, i) => history.map((p) => watchedOr(p, p.types[i] ?? 0)))]);
  charts.latency?.setData([t, history.map((p) => p.p50), history.map((p) => p.p99), history.map((p) => p.hitRatio)]);
}

function drawHistogram(frame: Frame): void {
  const { bounds, counts } = frame.latency;
  let first = counts.findIndex((c) => c > 0);
  let last = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
  if (first < 0) (first = 8), (last = 40);
  first = Math.max(0, first - 2);
  last = Math.min(counts.length - 1, Math.max(last + 2, first + 12));
  const labels = bounds.slice(first, last + 1).map((b) => (b === null ? '∞' : ms(b)));
  charts.histogram?.setBuckets(labels, counts.slice(first, last + 1));
}

/** Fills a table's body with rows of cells: strings are text, numbers are right-aligned counts. */
function fillTable(id: string, rows: ReadonlyArray<ReadonlyArray<string | number | { text: string; className: string }>>, empty = 'nothing yet'): void {
  const body = byId<HTMLTableElement>(id).tBodies[0]!;
  const cols = byId<HTMLTableElement>(id).tHead!.rows[0]!.cells.length;
  const out = document.createDocumentFragment();
  for (const row of rows) {
    const tr = document.createElement('tr');
    for (const cell of row) {
      const td = document.createElement('td');
      if (typeof cell === 'number') (td.className = 'n'), (td.textContent = count(cell));
      else if (typeof cell === 'string') td.textContent = cell;
      else (td.className = cell.className), (td.textContent = cell.text);
      tr.append(td);
    }
    out.append(tr);
  }
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = cols;
    td.className = 'muted';
    td.textContent = empty;
    tr.append(td);
    out.append(tr);
  }
  body.replaceChildren(out);
}

const topCell = (r: TopRow): { text: string; className: string } => ({ text: r.error > 0 ? `≈${count(r.count)} ±${count(r.error)}` : count(r.count), className: 'n' });
const topRows = (rows: readonly TopRow[]) => rows.map((r) => [r.key, topCell(r)]);

const FIX_NAMES: Readonly<Record<Fix, string>> = {
  autopath: 'autopath @kubernetes',
  trailing_dot: 'a trailing dot (name.)',
  'ndots:1': 'ndots:1',
  'ndots:2': 'ndots:2',
  'ndots:3': 'ndots:3',
  'ndots:4': 'ndots:4',
};

function renderSearchPath(frame: Frame): void {
  const sp = frame.searchPath;
  setText('sp-domains', `under ${sp.domains.join(', ')}`);
  const { queries, expansions } = sp.minute;
  setText('expansion-share', percent(expansions, queries));
  const fixes = Object.keys(FIX_NAMES) as Fix[];
  const best = fixes.filter((f) => f !== 'trailing_dot').sort((a, b) => sp.fixes[b] - sp.fixes[a])[0]!;
  setText(
    'sp-summary',
    expansions === 0
      ? `No search-path expansions in the last minute (${count(sp.total.expansions)} since start).`
      : `In the last minute ${count(expansions)} of ${count(queries)} queries (${percent(expansions, queries)}) were search-path expansions: names a client's resolver made from its search list (ndots:5) before the name it meant. ` +
          `${FIX_NAMES[best]} would have saved ${count(sp.fixes[best])} of them; a trailing dot, ${count(sp.fixes.trailing_dot)}.`,
  );
  fillTable(
    'sp-fixes',
    fixes.map((f) => {
      const net = sp.total.saved[f] - sp.total.added[f];
      return [FIX_NAMES[f], { text: count(sp.fixes[f]), className: sp.fixes[f] < 0 ? 'n neg' : 'n' }, { text: count(net), className: net < 0 ? 'n neg' : 'n' }];
    }),
  );
  fillTable('sp-clients', topRows(sp.clients), 'none in the last minute');
  fillTable('sp-names', topRows(sp.names), 'none in the last minute');
}

function renderCluster(frame: Frame): void {
  const box = byId('clusters');
  if (frame.clusters.length === 0) return;
  const out = document.createDocumentFragment();
  for (const c of frame.clusters) {
    const head = document.createElement('p');
    head.textContent = `${c.zones.join(' ')}: ${c.synced ? 'synced' : 'not synced yet'}; ${Object.entries(c.objects)
      .map(([k, n]) => `${count(n)} ${k}`)
      .join(', ')}`;
    out.append(head);
    const table = document.createElement('table');
    table.innerHTML = '<thead><tr><th>resource</th><th>watch</th><th class="n">last event</th></tr></thead><tbody></tbody>';
    for (const r of c.resources) {
      const tr = table.tBodies[0]!.insertRow();
      tr.insertCell().textContent = r.kind;
      const state = tr.insertCell();
      state.textContent = r.state;
      state.className = r.state === 'retrying' ? 'down' : r.state === 'watching' || r.state === 'files' ? 'up' : '';
      const ago = tr.insertCell();
      ago.className = 'n';
      ago.textContent = r.secondsSinceEvent === null ? 'never' : `${count(r.secondsSinceEvent)} s ago`;
    }
    out.append(table);
  }
  box.replaceChildren(out);
}

function render(frame: Frame): void {
  const p = frame.point;
  setText('version', `v${frame.version}`);
  const up = Math.max(0, Math.floor(Date.now() / 1000) - frame.startedAt);
  setText('uptime', `up ${up >= 3600 ? `${Math.floor(up / 3600)} h ` : ''}${Math.floor((up % 3600) / 60)} min`);
  setText('qps', count(p.qps));
  setText('queries', count(frame.queries));
  setText('hit-ratio', frame.cache ? percent(frame.cache.hits, frame.cache.requests) : 'no cache');
  setText('cache-hits', frame.cache ? count(frame.cache.hits) : '–');
  setText('cache-requests', frame.cache ? count(frame.cache.requests) : '–');
  setText('p50', ms(frame.latency.p50));
  setText('p99', ms(frame.latency.p99));
  const answered = p.rcodes.reduce((a, b) => a + b, 0);
  setText('nx-share', percent(p.rcodes[rcodes.indexOf('NXDOMAIN')] ?? 0, answered));
  renderSearchPath(frame);
  fillTable(
    'upstreams',
    frame.upstreams.map((u) => [u.protocol === 'tls' ? `tls://${u.to}` : u.to, u.down ? { text: `down (${u.fails} failed)`, className: 'down' } : { text: 'up', className: 'up' }, u.qps, { text: ms(u.rttMs), className: 'n' }, u.inflight]),
    'no forward in the dashboard’s blocks',
  );
  renderCluster(frame);
  fillTable('top-names', topRows(frame.top.names));
  fillTable('top-clients', topRows(frame.top.clients));
  fillTable('top-nxdomains', topRows(frame.top.nxdomains), 'none in the last minute');
  drawHistogram(frame);
  document.body.dataset['frames'] = String(++frames);
  document.body.dataset['t'] = String(p.t);
}

function onFrame(frame: Frame): void {
  const p = frame.point;
  if (history.at(-1)?.t === p.t) history[history.length - 1] = p;
  else history.push(p);
  if (history.length > HISTORY) history = history.slice(-HISTORY);
  drawHistory();
  render(frame);
}

function setStatus(state: 'live' | 'reconnecting' | 'connecting', text: string): void {
  const el = byId('status');
  el.dataset['state'] = state;
  el.textContent = text;
}

async function start(): Promise<void> {
  const res = await fetch(`/api/snapshot${auth}`);
  if (!res.ok) {
    setStatus('reconnecting', res.status === 401 ? 'this dashboard needs ?token=…' : `error ${res.status}`);
    return;
  }
  const snapshot = (await res.json()) as Snapshot;
  types = snapshot.types;
  rcodes = snapshot.rcodes;
  history = [...snapshot.history];
  buildCharts();
  onFrame(snapshot.frame);
  const stream = new EventSource(`/api/stream${auth}`);
  stream.onopen = () => setStatus('live', 'live');
  stream.onerror = () => setStatus('reconnecting', 'reconnecting…');
  stream.onmessage = (e: MessageEvent<string>) => onFrame(JSON.parse(e.data) as Frame);
  // Dark mode and back: the charts take the new colours.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    for (const c of Object.values(charts)) c?.restyle();
  });
}

void start();
