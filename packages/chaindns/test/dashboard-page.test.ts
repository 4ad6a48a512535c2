import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, startTestUpstream, type TestUpstream } from '@chaindns/core/testing';
import { Browser } from './browser.js';
import { type Chaindns, eventually, httpGet, repoRoot, startChaindns, tempDir } from './harness.js';
import { replayPods, steadyLoad } from './pods.js';

// The dashboard's page in a real browser (Debian's chromium, headless): the real binary serves the
// cluster of the kube-dns notes (examples/cluster.yaml) with cache, forward and prometheus, while
// four pods replay glibc's ndots:5 lookups (the dashboard's recorded fixture) and a busy client asks
// full names. The numbers on the page must move, and once the load stops, equal /metrics.
// Screenshots (wide and light, phone-wide and dark) are kept in test-artifacts/dashboard/.

export const ARTIFACTS = join(repoRoot, 'test-artifacts/dashboard');
const dir = tempDir('chaindns-dashboard-');
let upstream: TestUpstream;
let dns: Chaindns;
let port: number;
let page: string;
let metrics: string;

before(async () => {
  upstream = await startTestUpstream({ records: ['www.example.com. 300 IN A 192.0.2.80', 'www.example.com. 300 IN AAAA 2001:db8::80'] });
  [port, page, metrics] = [await freePort(), `http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`];
  writeFileSync(
    dir.file('Corefile'),
    `.:${port} {
    bind 127.0.0.1
    errors
    prometheus ${metrics.slice(7)}
    dashboard ${page.slice(7)}
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        manifests ${join(repoRoot, 'examples/cluster.yaml')}
        fallthrough in-addr.arpa ip6.arpa
    }
    forward . 127.0.0.1:${upstream.port}
    cache 30
}
`,
  );
  dns = await startChaindns(['-conf', dir.file('Corefile')]);
  mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => {
  await dns?.stop();
  await upstream?.stop();
  dir.remove();
});

/** What the page shows once `check` passes on it (polled, as `eventually`). */
async function shownWhen(browser: Browser, check: (s: Shown) => void): Promise<Shown> {
  let last: Shown | null = null;
  await eventually(async () => check((last = await shown(browser))), 10_000);
  return last!;
}

/** The sum of every sample of `name` in the Prometheus text. */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

interface Shown {
  frames: number;
  qps: string;
  queries: number;
  cacheHits: number;
  cacheRequests: number;
  expansions: string;
  fixes: string[][];
  clients: string[];
  names: string[];
  upstreams: string[][];
  cluster: string;
}

/** What the page shows now, read from its DOM. */
async function shown(browser: Browser): Promise<Shown> {
  return browser.evaluate<Shown>(`(() => {
    const text = (id) => document.getElementById(id).textContent;
    const num = (id) => Number(text(id).replace(/,/g, ''));
    const rows = (id) => [...document.querySelectorAll('#' + id + ' tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent));
    return {
      frames: Number(document.body.dataset.frames ?? 0), qps: text('qps'), queries: num('queries'),
      cacheHits: num('cache-hits'), cacheRequests: num('cache-requests'), expansions: text('expansion-share'),
      fixes: rows('sp-fixes'), clients: rows('sp-clients').map((r) => r[0]), names: rows('sp-names').map((r) => r[0]),
      upstreams: rows('upstreams'), cluster: text('clusters'),
    };
  })()`);
}

test('the page in headless Chromium: the numbers move under load and equal /metrics once it stops; screenshots kept', { timeout: 120_000 }, async () => {
  const browser = await Browser.launch(1280, 900);
  try {
    await browser.colorScheme('light');
    await browser.goto(`${page}/`);
    await shownWhen(browser, (s) => assert.ok(s.frames >= 1));
    const load = Promise.all([replayPods(port, 4, 8), steadyLoad(port, 8)]);
    // Under load, the page moves: the queries since start grow from frame to frame.
    const a = await shownWhen(browser, (s) => assert.ok(s.queries > 0, `queries shown: ${s.queries}`));
    const b = await shownWhen(browser, (s) => assert.ok(s.frames > a.frames && s.queries > a.queries, `frames ${a.frames} -> ${s.frames}, queries ${a.queries} -> ${s.queries}`));
    assert.notEqual(b.qps, '0');
    await load;
    // Quiet now: the next frames show the final counts, which /metrics must give too.
    const text = (await httpGet(`${metrics}/metrics`)).body;
    const want = {
      queries: total(text, 'coredns_dns_requests_total'),
      cacheHits: total(text, 'coredns_cache_hits_total'),
      cacheRequests: total(text, 'coredns_cache_requests_total'),
    };
    const final = await shownWhen(browser, (s) => assert.deepEqual({ queries: s.queries, cacheHits: s.cacheHits, cacheRequests: s.cacheRequests }, want));
    // Search-path amplification: glibc's expansions found, from the four pods, for the names they meant.
    const expansions = total(text, 'coredns_dashboard_searchpath_expansions_total');
    assert.ok(expansions > 0);
    const fixes = Object.fromEntries(final.fixes.map(([fix, , since]) => [fix, Number(since!.replace(/,/g, ''))]));
    assert.equal(fixes['a trailing dot (name.)'], total(text, 'coredns_dashboard_searchpath_avoidable_total', { fix: 'trailing_dot' }));
    assert.equal(fixes['autopath @kubernetes'], total(text, 'coredns_dashboard_searchpath_avoidable_total', { fix: 'autopath' }));
    assert.deepEqual([...final.clients].sort(), ['127.0.0.20', '127.0.0.21', '127.0.0.22', '127.0.0.23']);
    assert.deepEqual([...final.names].sort(), ['kube-dns.kube-system.svc.cluster.local.', 'kubernetes.default.svc.cluster.local.', 'nosuch.', 'www.example.com.']);
    assert.match(final.upstreams[0]![0]!, new RegExp(`127\\.0\\.0\\.1:${upstream.port}`));
    assert.equal(final.upstreams[0]![1], 'up');
    assert.match(final.cluster, /synced; 4 services, 3 endpointSlices, 2 namespaces/);
    writeFileSync(join(ARTIFACTS, 'dashboard.png'), await browser.screenshot());
    // A phone's width, in dark mode: nothing wider than the screen.
    await browser.size(390, 844, true);
    await browser.colorScheme('dark');
    await new Promise((r) => setTimeout(r, 1500));
    const widths = await browser.evaluate<{ page: number; screen: number; background: string }>(
      '({ page: document.documentElement.scrollWidth, screen: window.innerWidth, background: getComputedStyle(document.body).backgroundColor })',
    );
    assert.ok(widths.page <= widths.screen, `the page is ${widths.page} px wide on a ${widths.screen} px screen`);
    assert.equal(widths.background, 'rgb(15, 19, 24)');
    writeFileSync(join(ARTIFACTS, 'dashboard-phone-dark.png'), await browser.screenshot());
  } finally {
    await browser.close();
  }
});
