// The tables of a bench run: each server's best round per driver and workload
// (on a shared machine other work only ever slows a run down), and the ratios
// the targets are stated in.

const fmt = (n, digits) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const ms = (us) => fmt(us / 1000, 3);

/** Per (driver, server, workload), the run that `better` prefers; `merge` may take fields from every run. */
function best(runs, better, merge = (b) => b) {
  const picked = new Map();
  for (const r of runs) {
    const key = `${r.driver}\t${r.server}\t${r.workload}`;
    const b = picked.get(key);
    picked.set(key, b === undefined ? { ...r } : merge(better(r, b) ? { ...r } : b, better(r, b) ? b : r));
  }
  return [...picked.values()];
}

export function report(runs, { defaultUdp, fixedRate }) {
  const lines = [];
  const ratios = {};
  const label = (server) => (server === 'chaindns' ? `chaindns (udp ${defaultUdp})` : server === 'floor' ? 'floor (C reflector)' : server);

  // dnsperf: the best QPS, and the lowest CPU per query of all rounds.
  const dp = best(
    runs.filter((r) => r.driver === 'dnsperf'),
    (a, b) => a.qps > b.qps,
    (kept, other) => ({ ...kept, cpuUsPerQuery: Math.min(kept.cpuUsPerQuery, other.cpuUsPerQuery) }),
  );
  if (dp.length) {
    const get = (server, workload) => dp.find((r) => r.server === server && r.workload === workload);
    lines.push(
      'dnsperf (1 client, 100 queries outstanding):',
      '',
      '| server | workload | QPS | mean ms | p99 ms | lost | server CPU µs/query |',
      '|---|---|---:|---:|---:|---:|---:|',
      ...dp.map((r) => `| ${label(r.server)} | ${r.workload} | ${r.qps} | ${fmt(r.meanMs, 3)} | ${fmt(r.p99Ms, 3)} | ${r.lost} | ${fmt(r.cpuUsPerQuery, 1)} |`),
      '',
    );
    const ratio = (a, b) => (a && b ? `${(a.qps / b.qps).toFixed(2)} (CPU per query: ${(b.cpuUsPerQuery / a.cpuUsPerQuery).toFixed(2)})` : 'n/a');
    Object.assign(ratios, {
      [`dnsperf: ${label('chaindns')}/dnsmasq cache-hit`]: ratio(get('chaindns', 'cache-hit'), get('dnsmasq', 'cache-hit')),
      [`dnsperf: ${label('chaindns')}/dnsmasq mixed`]: ratio(get('chaindns', 'mixed'), get('dnsmasq', 'mixed')),
      'dnsperf: chaindns-dgram/dnsmasq cache-hit': ratio(get('chaindns-dgram', 'cache-hit'), get('dnsmasq', 'cache-hit')),
      'dnsperf: chaindns-dgram/echo cache-hit (target >= 0.9)': ratio(get('chaindns-dgram', 'cache-hit'), get('echo', 'cache-hit')),
      'dnsperf: chaindns-dgram/dns2 cache-hit (target >= 8)': ratio(get('chaindns-dgram', 'cache-hit'), get('dns2', 'cache-hit')),
    });
  }

  // loadgen, closed loop: the round with the most answers per server CPU second.
  const top = best(runs.filter((r) => r.driver === 'loadgen' && r.workload === 'top'), (a, b) => a.qpsPerCore > b.qpsPerCore);
  if (top.length) {
    const get = (server) => top.find((r) => r.server === server);
    lines.push(
      `loadgen, top rate (${top[0].window} queries in flight, cache hits; the round with the most QPS per server core):`,
      '',
      '| server | QPS | server CPU (share of a core) | QPS per server core | mean ms | p99 ms | lost |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...top.map((r) => `| ${label(r.server)} | ${Math.round(r.qps)} | ${fmt(100 * r.serverCpuShare, 0)}% | ${Math.round(r.qpsPerCore)} | ${ms(r.meanUs)} | ${ms(r.p99Us)} | ${r.lost} |`),
      '',
    );
    const perCore = (a, b) => (get(a) && get(b) ? (get(a).qpsPerCore / get(b).qpsPerCore).toFixed(2) : 'n/a');
    Object.assign(ratios, {
      [`loadgen: ${label('chaindns')}/dnsmasq QPS per server core (target >= 1.5)`]: perCore('chaindns', 'dnsmasq'),
      'loadgen: chaindns-dgram/dnsmasq QPS per server core': perCore('chaindns-dgram', 'dnsmasq'),
      [`loadgen: ${label('chaindns')}/echo QPS per server core`]: perCore('chaindns', 'echo'),
      'loadgen: chaindns-dgram/echo QPS per server core': perCore('chaindns-dgram', 'echo'),
    });
  }

  // loadgen, fixed rate: the run with the lowest p99, and the median p99 of all runs.
  const fixedRuns = runs.filter((r) => r.driver === 'loadgen' && r.workload === 'fixed');
  const fixed = best(fixedRuns, (a, b) => a.p99Us < b.p99Us);
  const medianP99 = (server) => {
    const p = fixedRuns.filter((r) => r.server === server).map((r) => r.p99Us).sort((a, b) => a - b);
    return p.length % 2 ? p[(p.length - 1) / 2] : (p[p.length / 2 - 1] + p[p.length / 2]) / 2;
  };
  if (fixed.length) {
    lines.push(
      `loadgen, fixed rate of ${fixedRate} QPS (cache hits; the run with the lowest p99, and the median p99 of all ${fixedRuns.length / fixed.length} runs):`,
      '',
      '| server | sent QPS | answered QPS | p50 ms | p99 ms | p99.9 ms | lost | generator behind (max ms) | server CPU (share of a core) | median p99 ms |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...fixed.map((r) => `| ${label(r.server)} | ${Math.round(r.sent / r.seconds)} | ${Math.round(r.qps)} | ${ms(r.p50Us)} | ${ms(r.p99Us)} | ${ms(r.p999Us)} | ${r.lost} | ${ms(r.maxBehindUs)} | ${fmt(100 * r.serverCpuShare, 0)}% | ${ms(medianP99(r.server))} |`),
      '',
    );
    for (const server of ['chaindns', 'dnsmasq', 'floor']) {
      const r = fixed.find((f) => f.server === server);
      if (r) ratios[`loadgen: ${label(server)} p99 at ${fixedRate} QPS${server === 'chaindns' ? ' (target < 0.5 ms)' : ''}`] = `${ms(r.p99Us)} ms (median of the runs ${ms(medianP99(server))} ms)`;
    }
  }
  for (const [k, v] of Object.entries(ratios)) lines.push(`- ${k}: ${v}`);
  return { text: lines.join('\n') + '\n', data: { dnsperf: dp, top, fixed, ratios } };
}
