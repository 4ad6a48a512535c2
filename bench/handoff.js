// The handoff phase of bench/run.js (--phases=handoff): upgrades that lose no query. chaindns (the
// CLI on the native transport, every listener SO_REUSEPORT) serves a steady load of 20,000 QPS,
// one query in ten a name never asked before (a miss through forward to floor.c -a) and the
// others 100 hot names, for 60 s, while it is replaced 10 times: a new process starts on the same
// address and port, and once it listens (its banner) the old one gets SIGTERM. The same run against
// a plain restart (SIGTERM, then the new process) shows what users get without the handoff.
// The load is loadgen at a fixed rate from 16 source ports, in back-to-back runs: a steady run of
// 4 s, then a run of 2 s that holds the replacement (SIGTERM at 0.5 s), so the handoff's p99
// stands beside the steady one. Each run has fresh miss names; loadgen counts a query unanswered
// within 1 s as lost, and any answer but NOERROR as an error.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadgen } from './loadgen.js';
import { freePort, freeTcpPort, log, onCore, start, stop } from './procs.js';

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A query file for one run: `lines` queries, every tenth a name never used before. */
async function queries(out, tag, lines) {
  const path = join(out, `handoff-${tag}.txt`);
  const w = createWriteStream(path);
  for (let i = 0; i < lines; i += 10_000) {
    let text = '';
    for (let j = i; j < i + 10_000 && j < lines; j++) text += j % 10 === 0 ? `${tag}m${j}.bench.example A\n` : `hot${j % 100}.bench.example A\n`;
    if (!w.write(text)) await once(w, 'drain');
  }
  w.end();
  await once(w, 'finish');
  return path;
}

/** chaindns on core 0; resolves once it has printed its banner (it listens: beside the old one, whose port it shares). */
async function chaindns(cli, corefile) {
  const [c, a] = onCore(0, process.execPath, [cli, '-conf', corefile, '-udp', 'native']);
  const child = spawn(c, a, { stdio: ['ignore', 'pipe', 'inherit'] });
  let outText = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      outText += d;
      if (/chaindns-\d/.test(outText)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`chaindns exited ${code}: ${outText}`)));
  });
  child.stdout.resume();
  return child;
}

/**
 * `mode` is `handoff` (start the new one, then SIGTERM the old) or `restart` (SIGTERM the old, wait
 * for its exit, start the new one). Returns the runs.
 */
async function cycle(mode, { cli, corefile, port, generator, out, rate, replacements, smoke }) {
  const steadyS = smoke ? 0.5 : 4;
  const swapS = smoke ? 1 : 2;
  const runs = [];
  let current = await chaindns(cli, corefile);
  try {
    for (let i = 0; i <= replacements; i++) {
      const steadyFile = await queries(out, `${mode}s${i}`, Math.ceil(rate * steadyS));
      const steady = await loadgen(generator, current, port, steadyFile, { seconds: steadyS, rate, sockets: 16 });
      rmSync(steadyFile, { force: true });
      runs.push({ ...steady, mode, kind: 'steady', i });
      if (i === replacements) break;
      const swapFile = await queries(out, `${mode}h${i}`, Math.ceil(rate * swapS));
      const old = current;
      const next = mode === 'handoff' ? await chaindns(cli, corefile) : null;
      const load = loadgen(generator, old, port, swapFile, { seconds: swapS, rate, sockets: 16 });
      await sleep(500);
      const stopped = performance.now();
      await stop(old);
      const exitMs = performance.now() - stopped;
      current = next ?? (await chaindns(cli, corefile));
      const swap = await load;
      rmSync(swapFile, { force: true });
      runs.push({ ...swap, mode, kind: 'swap', i, exitMs });
      log(`${mode} ${i + 1}: ${swap.completed} answered, lost ${swap.lost}, errors ${swap.errors}, p99 ${swap.p99Us} µs; the old one took ${fmt(exitMs)} ms to exit`);
    }
  } finally {
    await stop(current);
  }
  return runs;
}

export async function handoffPhase({ cli, out, generator, floor, smoke }) {
  const rate = smoke ? 5000 : 20_000;
  const replacements = smoke ? 2 : 10;
  const authPort = await freePort();
  const authority = await start('authority', 1, floor, [String(authPort), '-a'], authPort, out);
  const port = await freePort();
  const http = await freeTcpPort();
  const corefile = join(out, 'Corefile.handoff');
  // The node-local cache's chain, its HTTP listeners on fixed ports, which the new process shares too.
  writeFileSync(corefile, `.:${port} {\n    bind 127.0.0.1\n    errors\n    health 127.0.0.1:${http}\n    prometheus 127.0.0.1:${await freeTcpPort()}\n    cache\n    forward . 127.0.0.1:${authPort}\n}\n`);
  const runs = [];
  try {
    for (const mode of ['handoff', 'restart']) runs.push(...(await cycle(mode, { cli, corefile, port, generator, out, rate, replacements, smoke })));
  } finally {
    await stop(authority);
  }
  const lines = [
    `Replacing chaindns ${replacements} times under ${rate} QPS (one query in ten a miss through forward), loadgen from 16 source ports; a run of 4 s between replacements, a run of 2 s around each:`,
    '',
    '| how | sent | answered | lost | errors | p99 ms steady (median) | p99 ms around a replacement (median, worst) | old process exit ms (median) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.floor(s.length / 2)] : NaN;
  };
  for (const mode of ['handoff', 'restart']) {
    const mine = runs.filter((r) => r.mode === mode);
    const sum = (k) => mine.reduce((t, r) => t + r[k], 0);
    const swaps = mine.filter((r) => r.kind === 'swap');
    const steady = mine.filter((r) => r.kind === 'steady');
    lines.push(
      `| ${mode === 'handoff' ? 'handoff (new beside old, then SIGTERM)' : 'plain restart (SIGTERM, then start)'} | ${sum('sent')} | ${sum('completed')} | **${sum('lost')}** | ${sum('errors')} | ${fmt(median(steady.map((r) => r.p99Us)) / 1000, 2)} | ${fmt(median(swaps.map((r) => r.p99Us)) / 1000, 2)}, ${fmt(Math.max(...swaps.map((r) => r.p99Us)) / 1000, 2)} | ${fmt(median(swaps.map((r) => r.exitMs)))} |`,
    );
  }
  return { runs, lines };
}
