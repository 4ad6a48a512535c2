/**
 * Run by unreachable.test.ts inside a network namespace of its own (only
 * loopback up), where 8.8.8.8 is unreachable: starts a server forwarding
 * there, asks it over UDP and TCP, and prints what came back as JSON. A crash
 * shows as a non-zero exit.
 */
import { startTestServer, startTestUpstream } from '@chaindns/core/testing';
import { forward } from '../src/index.js';
import { answerA } from './helpers.js';

const local = await startTestUpstream({ handler: (_q, raw) => answerA(raw, '192.0.2.7') });
const s = await startTestServer(`only.test {\n  forward . 8.8.8.8\n}\nnext.test {\n  forward . 8.8.8.8 127.0.0.1:${local.port} {\n    policy sequential\n  }\n}`, { plugins: [forward] });
const results: Record<string, { rcode: number; ip: string | null; ms: number }> = {};
for (const transport of ['udp', 'tcp'] as const) {
  for (const zone of ['only.test', 'next.test']) {
    const start = performance.now();
    const reply = await s.query(`${transport}.${zone}`, 'A', { transport, timeoutMs: 8000 });
    const ip = (reply.packet.answers?.[0] as { data?: string } | undefined)?.data ?? null;
    results[`${transport} ${zone}`] = { rcode: reply.rcode, ip, ms: Math.round(performance.now() - start) };
  }
}
await s.stop();
await local.stop();
console.log(JSON.stringify({ results, logs: s.logs }));
