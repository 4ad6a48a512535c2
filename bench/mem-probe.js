// Preloaded into a server by bench/flood.js (`node --import`): once a second
// it appends the process's memory as V8 and Node.js see it to the file named
// by FLOOD_PROBE, one JSON line a sample, so the bench can split RSS into
// heap, external memory and the rest. Nothing else of the server changes.
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const path = process.env.FLOOD_PROBE;
if (path) {
  const mb = (n) => Math.round(n / 1024) / 1024;
  setInterval(() => {
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: mb(s.space_size), used: mb(s.space_used_size) }]));
    const sample = { t: Date.now(), rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces };
    appendFileSync(path, JSON.stringify(sample) + '\n');
  }, 1000).unref();
}
