#!/usr/bin/env node
import { rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { createLogger, VERSION } from '@chaindns/core';
import { parseFlags, USAGE } from './flags.js';
import { settleGc, tuneGc } from './gc.js';
import { defaultRegistry } from './plugins.js';
import { corefileOf, createServer } from './start.js';
import { resolveUdp, udpChoice } from './udp.js';
import { checkReloadedWorkers, sharesPorts, WORKER_ENV, workerCount } from './workers.js';

/** How long the server serves before settleGc compacts the heap its start grew. */
const SETTLE_AFTER_MS = 1000;

/** The `chaindns` binary: CoreDNS's flags, signals and exit codes. */
async function main(argv: readonly string[]): Promise<number> {
  // The subcommands load their code only when run, as the plugins theirs.
  if (argv[0] === 'check') return (await import('./commands.js')).runCheck(argv.slice(1));
  if (argv[0] === 'migrate') return (await import('./commands.js')).runMigrate(argv.slice(1));
  if (argv[0] === 'top') return (await import('./top.js')).runTop(argv.slice(1));
  const flags = parseFlags(argv);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags.plugins) {
    console.log(defaultRegistry().names().join('\n'));
    return 0;
  }
  tuneGc();
  const udp = await resolveUdp(udpChoice(flags.udp));
  const udpName = udp.transport?.name ?? 'dgram';
  if (flags.version) {
    console.log(`chaindns-${VERSION}\n${platform()}/${arch()}, node ${process.version}, udp ${udpName}${udp.reason ? ` (native unavailable: ${udp.reason})` : ''}`);
    return 0;
  }
  // Debug lines pass: the server writes them while its Corefile has `debug`.
  const logger = createLogger({ quiet: flags.quiet, debug: true });
  // The pid file says "listening" (a readiness probe reads it): one left by a process that crashed must not say it early.
  if (flags.pidfile) rmSync(flags.pidfile, { force: true });
  const corefile = corefileOf(flags.conf);
  // Signals count from the start: a SIGTERM while a plugin waits for its backend stops cleanly.
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve).once('SIGINT', resolve);
  });
  if (udp.reason && !flags.quiet) logger.info(`UDP on dgram: ${udp.reason}`);
  const count = await workerCount(flags.workers, corefile, flags.dnsPort, udp.transport, logger);
  // Beside the primary (this thread), workers run the binary's own entry, which serves as one off the main thread.
  const pool = count > 1 ? new (await import('./worker-pool.js')).WorkerPool({ count, entry: new URL(import.meta.url), udp: udp.transport ? 'native' : 'dgram', dnsPort: flags.dnsPort, quiet: flags.quiet, pluginsFrom: undefined, log: logger }) : null;
  const server = createServer(
    { corefile, logger, ...(udp.transport ? { udpTransport: udp.transport } : {}), ...(flags.dnsPort !== undefined ? { dnsPort: flags.dnsPort } : {}) },
    // SO_REUSEPORT wherever the transport can set it, as CoreDNS does: the workers share the ports, and so can a successor process.
    {
      reusePort: sharesPorts(udp.transport),
      ...(pool ? { workers: pool.workers, registry: pool.registry, peerStatus: pool.peerStatus } : {}),
      onReload: (source) => {
        pool?.reload(source);
        checkReloadedWorkers(flags.workers, source, count, flags.dnsPort, logger).catch(() => {
          // The new Corefile was parsed already: it serves, and has its multisocket right.
        });
      },
    },
  );
  // Before the start: a SIGUSR1 with no listener starts Node's inspector, and one can come as soon as the first listener logs.
  process.on('SIGUSR1', () => {
    logger.info('SIGUSR1: reloading');
    server.reload().catch((err: unknown) => logger.error(`reload failed, the old config keeps serving: ${err instanceof Error ? err.message : String(err)}`));
  });
  const started = await Promise.race([server.start().then(() => pool?.start(server)).then(() => true), signalled.then(() => false)]);
  // Stopped before it served: nothing to drain, the exit closes what start opened.
  if (!started) return 0;
  // The compaction (60 ms after a large sync) waits until the first answers are out: it gives the start's heap back
  // all the same, and DNS is there that much sooner, which is what a rollout or a node's restart waits for.
  settleGc(SETTLE_AFTER_MS);
  if (flags.pidfile) writeFileSync(flags.pidfile, `${process.pid}\n`);
  if (!flags.quiet) console.log(`chaindns-${VERSION}\n${platform()}/${arch()}, node ${process.version}, udp ${server.transportName}`);
  try {
    // A plugin's fatal error (loop detected) rejects `closed`, or a worker's the pool's: exit 1, as CoreDNS's log.Fatal.
    await Promise.race([signalled.then(() => Promise.all([server.stop(), pool?.stop()])), server.closed, ...(pool ? [pool.fatal] : [])]);
    return 0;
  } catch (err) {
    if (pool) {
      logger.fatal(err instanceof Error ? err.message : String(err));
      await Promise.all([server.stop(), pool.stop()]);
    }
    return 1;
  } finally {
    if (flags.pidfile) rmSync(flags.pidfile, { force: true });
  }
}

/** An error that ends the process: its message, exit 1. */
function exitWith(err: unknown): never {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

if (process.env[WORKER_ENV] === undefined) {
  main(process.argv.slice(2)).then((code) => process.exit(code), exitWith);
} else {
  // A worker thread of -workers N: this module is the entry both run. What it spawns does not inherit the mark.
  delete process.env[WORKER_ENV];
  import('./worker-thread.js').then((worker) => worker.runWorker()).catch(exitWith);
}
