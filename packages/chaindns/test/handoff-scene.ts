// The handoff test's scene (handoff.test.ts runs it in a network namespace of its own, where it
// sets net.ipv4.tcp_migrate_req): a chaindns on a port under a steady load of UDP hits and misses
// (and TCP queries with `roll`), replaced three times (`roll`: the new one beside the old, then
// SIGTERM) or once (`restart`: SIGTERM, then the new one). Prints the load's result as JSON.
import { writeFileSync } from 'node:fs';
import { freePort, startTestUpstream } from '@chaindns/core/testing';
import { type Chaindns, httpGet, startChaindns, tempDir } from './harness.js';
import { addressOf, type LoadResult, steadyLoad } from './steady-load.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(mode: string): Promise<LoadResult> {
  const dir = tempDir('chaindns-handoff-');
  // Every A name has one address; a miss waits 20 ms upstream, so queries are in flight at each handoff.
  const upstream = await startTestUpstream({
    handler: async (q) => {
      const question = q.questions![0]!;
      await sleep(20);
      return { id: q.id, type: 'response', flags: 0x8180, questions: [question], answers: [{ name: question.name, type: 'A', class: 'IN', ttl: 3600, data: addressOf(question.name) }] };
    },
  });
  const [port, ready, health, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(
    dir.file('Corefile'),
    `.:${port} {\n  bind 127.0.0.1\n  errors\n  health 127.0.0.1:${health}\n  ready 127.0.0.1:${ready}\n  prometheus 127.0.0.1:${metrics}\n  cache\n  forward . 127.0.0.1:${upstream.port}\n}\n`,
  );
  const start = (): Promise<Chaindns> => startChaindns(['-conf', dir.file('Corefile'), '-udp', 'native']);
  let current = await start();
  // UDP only for a restart: while nothing listens a TCP connect may take the port itself as its source, and that self-connection's TIME_WAIT would keep the new process off the port.
  const load = steadyLoad(port, { qps: 2000, sockets: 16, missEvery: 10, tag: mode, tcp: mode === 'roll' });
  try {
    await sleep(500);
    for (let i = 0; i < (mode === 'roll' ? 3 : 1); i++) {
      const old = current;
      if (mode === 'roll') {
        // The new one listens beside the old (its banner comes once it does), its HTTP listeners on the same ports.
        current = await start();
        if ((await httpGet(`http://127.0.0.1:${health}/health`)).status !== 200) throw new Error('no /health beside the old process');
        if ((await old.stop()) !== 0) throw new Error(`the old process exited with an error:\n${old.output()}`);
      } else {
        if ((await old.stop()) !== 0) throw new Error(`the old process exited with an error:\n${old.output()}`);
        current = await start();
      }
      await sleep(500);
    }
    return await load.stop();
  } finally {
    await current.stop();
    await upstream.stop();
    dir.remove();
  }
}

main(process.argv[2] ?? 'roll').then(
  (result) => {
    process.stdout.write(JSON.stringify({ ...result, latencies: result.latencies.length }));
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
