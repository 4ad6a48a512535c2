#!/usr/bin/env node
import { rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { createLogger, VERSION } from '@chaindns/core';
import { parseFlags, USAGE } from './flags.js';
import { tuneGc } from './gc.js';
import { defaultRegistry } from './plugins.js';
import { corefileOf, createServer } from './start.js';
import { resolveUdp, udpChoice } from './udp.js';

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
  const corefile = corefileOf(flags.conf);
  // Signals count from the start: a SIGTERM while a plugin waits for its backend stops cleanly.
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve).once('SIGINT', resolve);
  });
  if (udp.reason && !flags.quiet) logger.info(`UDP on dgram: ${udp.reason}`);
  const server = createServer({ corefile, logger, ...(udp.transport ? { udpTransport: udp.transport } : {}), ...(flags.dnsPort !== undefined ? { dnsPort: flags.dnsPort } : {}) });
  const started = await Promise.race([server.start().then(() => true), signalled.then(() => false)]);
  // Stopped before it served: nothing to drain, the exit closes what start opened.
  if (!started) return 0;
  if (flags.pidfile) writeFileSync(flags.pidfile, `${process.pid}\n`);
  if (!flags.quiet) console.log(`chaindns-${VERSION}\n${platform()}/${arch()}, node ${process.version}, udp ${server.transportName}`);
  process.on('SIGUSR1', () => {
    logger.info('SIGUSR1: reloading');
    server.reload().catch((err: unknown) => logger.error(`reload failed, the old config keeps serving: ${err instanceof Error ? err.message : String(err)}`));
  });
  try {
    // A plugin's fatal error (loop detected) rejects `closed`: exit 1, as CoreDNS's log.Fatal.
    await Promise.race([signalled.then(() => server.stop()), server.closed]);
    return 0;
  } catch {
    return 1;
  } finally {
    if (flags.pidfile) rmSync(flags.pidfile, { force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
