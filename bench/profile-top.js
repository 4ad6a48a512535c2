// Reads a .cpuprofile (node --cpu-prof): the functions with the most self
// time, then self time by area (cache plugin, core, Node.js internals, ...).
// Usage: node bench/profile-top.js FILE [N] [--last=SECONDS]
// --last keeps only the samples of the profile's last SECONDS (the load, not the start-up).
import { readFileSync } from 'node:fs';

const [file, n] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const last = Number(process.argv.find((a) => a.startsWith('--last='))?.slice(7) ?? Infinity);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(n ?? 30);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
const areas = new Map();
const area = (url, name) => {
  for (const pkg of ['cache', 'core', 'metrics', 'log', 'udp-native', 'forward']) if (url.includes(`/packages/${pkg}/`)) return `@chaindns/${pkg}`;
  if (url.includes('/bench/')) return 'bench stand-ins';
  if (url.includes('/node_modules/')) return 'dependencies';
  if (url.startsWith('node:')) return 'Node.js internals (JS)';
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'garbage collector';
  return 'native (V8 builtins, libuv, syscalls)';
};
const from = profile.endTime - last * 1e6;
let t = profile.startTime;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  t += us;
  if (t < from) return;
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(packages|node_modules|bench)\//, '$1/')}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + us);
  const a = area(url, functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const busy = total - (areas.get('idle') ?? 0);
const pct = (us, of) => ((100 * us) / of).toFixed(1).padStart(5) + '%';
console.log(`${(total / 1e6).toFixed(1)} s of samples, ${(busy / 1e6).toFixed(1)} s busy; share of busy time:`);
for (const [key, us] of [...self.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us, busy)}  ${key}`);
console.log('\nby area (share of busy time):');
for (const [a, us] of [...areas.entries()].filter(([a]) => a !== 'idle').sort((x, y) => y[1] - x[1])) console.log(`${pct(us, busy)}  ${a}`);
