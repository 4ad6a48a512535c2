/**
 * The directives of CoreDNS 1.14 (its plugin.cfg) that chaindns does not ship,
 * and the plugins CoreDNS removed that old Corefiles still name: what to use
 * instead. `chaindns check` adds the line to the "unknown directive" error.
 * A test keeps this table and the distribution's order table apart: a
 * directive that ships leaves this table.
 */
export const LACKING: Readonly<Record<string, string>> = {
  // Removed from CoreDNS: `chaindns migrate corefile` rewrites or drops them.
  proxy: 'removed from CoreDNS in 1.5; use forward, or run `chaindns migrate corefile`',
  federation: 'removed from CoreDNS in 1.7 (Kubernetes federation v1 is gone); drop it, or run `chaindns migrate corefile`',
  reverse: 'removed from CoreDNS in 1.2 (template took its place); drop it, or run `chaindns migrate corefile`',
  startup: 'removed from CoreDNS in 1.1 (it was replaced by on); chaindns has neither',
  shutdown: 'removed from CoreDNS in 1.1 (it was replaced by on); chaindns has neither',
  // CoreDNS 1.14's plugins.
  root: 'not in chaindns: write absolute paths (relative ones are read from the working directory)',
  geoip: 'not in chaindns',
  cancel: 'not in chaindns: forward gives up on an upstream by itself (its timeouts and health checks)',
  proxyproto: 'not in chaindns: clients are seen with the address their packets come from',
  quic: 'not in chaindns: serve dns:// (UDP and TCP)',
  grpc_server: 'not in chaindns: serve dns:// (UDP and TCP)',
  https: 'not in chaindns: https:// blocks serve DNS over HTTPS with the server-wide connection limits (1000 per listener, 100 per client)',
  https3: 'not in chaindns: serve dns:// (UDP and TCP)',
  timeouts: "not in chaindns: TCP connections have CoreDNS's default timeouts (read 3s, write 5s, idle 10s)",
  trace: 'not in chaindns: log and prometheus show what is asked and how long it takes',
  pprof: 'not in chaindns: profile with node --cpu-prof or --inspect',
  shed: 'not in chaindns',
  tsig: 'not in chaindns',
  dnssec: 'not in chaindns',
  route53: 'not in chaindns: forward to the VPC resolver',
  azure: "not in chaindns: forward to the provider's resolver",
  clouddns: "not in chaindns: forward to the provider's resolver",
  auto: 'not in chaindns: file serves one zone file each, reloaded when its serial changes',
  grpc: 'not in chaindns: forward sends over UDP, TCP or TLS',
  on: 'not in chaindns',
  sign: 'not in chaindns',
  nomad: 'not in chaindns',
};

/** Edit distance, for a directive that is a typo of a known one. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

/** What to say about a directive the distribution does not know: the table's line, else the nearest known name. */
export function unknownDirectiveHint(name: string, known: readonly string[]): string {
  const line = LACKING[name];
  if (line) return `${name}: ${line}`;
  const near = known.map((k) => ({ k, d: distance(name, k) })).sort((a, b) => a.d - b.d)[0];
  const thirdParty = `the npm package chaindns-plugin-${name}, installed beside chaindns`;
  if (near && near.d <= Math.max(1, Math.floor(name.length / 4))) return `${name}: did you mean ${near.k}? (a third-party ${name} would be ${thirdParty})`;
  return `${name}: neither chaindns nor CoreDNS has it; a third-party plugin is ${thirdParty}`;
}
