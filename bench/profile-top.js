// Reads a .cpuprofile (node --cpu-prof): the functions with the most self
// time, then self time by area (cache plugin, core, Node.js internals, ...).
// Usage: node bench/profile-top.js FILE [N]
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const top = Number(process.argv[3] ?? 30);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const areas = new Map();
const area = (url, name) => {
  if (url.includes('/packages/cache/')) return 'cache plugin';
  if (url.includes('/packages/core/')) return 'chaindns core';
  if (url.includes('/bench/')) return 'bench stand-ins';
  if (url.includes('/node_modules/')) return 'dependencies';
  if (url.startsWith('node:')) return 'Node.js internals (JS)';
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'garbage collector';
  return 'native (V8 builtins, libuv, syscalls)';
};
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const us = profile.timeDeltas[i] ?? 0;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(packages|node_modules|bench)\//, '$1/')}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + us);
  const a = area(url, functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const busy = total - (areas.get('idle') ?? 0);
const pct = (us, of) => ((100 * us) / of).toFixed(1).padStart(5) + '%';
for (const [key, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us, total)}  ${key}`);
console.log('\nby area (share of busy time):');
for (const [a, us] of [...areas.entries()].filter(([a]) => a !== 'idle').sort((x, y) => y[1] - x[1])) console.log(`${pct(us, busy)}  ${a}`);
