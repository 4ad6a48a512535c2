// The cost of reading one rendered record (parseRecord), alone: 1,000 different A records.
// Usage: node bench/rr-text.js [--rounds=3] (after npm run build)
import { parseRecord } from '../dist/src/index.js';

const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
const N = 500_000;
const texts = Array.from({ length: 1000 }, (_, i) => `host-${i}.example. 60 IN A 192.0.2.${i & 0xff}`);
for (let r = 0; r < ROUNDS; r++) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) parseRecord(texts[i % 1000]);
  console.log(`parseRecord: ${(Number(process.hrtime.bigint() - t) / N).toFixed(0)} ns per record`);
}
