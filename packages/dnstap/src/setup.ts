import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createSecureContext } from 'node:tls';
import { configError, definePlugin, type Logger, type PluginDefinition, type Token, VERSION } from '@chaindns/core';
import { type DnstapConfig, parseTap, QUEUE_UNIT, type TapConfig } from './config.js';
import { createDnstap } from './dnstap.js';
import { compileExtra } from './extra.js';
import { Listener, type ListenerTls } from './listener.js';
import { DEFAULT_TIMING, type OutputTiming, type TapOutput } from './output.js';
import { Outgoing } from './outgoing.js';
import { Tap } from './tap.js';

/** Outputs' timers, for tests that cannot wait CoreDNS's seconds. */
export interface DnstapPluginOptions {
  readonly timing?: Partial<OutputTiming>;
}

const MiB = 1024 * 1024;

/**
 * The `dnstap` directive (see the README). It may be given several times in a
 * block: each is its own tap. An output (a connection, or a listener) is
 * shared by every block and kept across reloads while a config names it with
 * the same options.
 */
export function dnstapPlugin(options: DnstapPluginOptions = {}): PluginDefinition<DnstapConfig> {
  const timing: OutputTiming = { ...DEFAULT_TIMING, ...options.timing };
  return definePlugin<DnstapConfig>({
    name: 'dnstap',
    parse: (d, ctx) => [parseTap(d, ctx)],
    combine: (configs) => configs.flat(),
    files: (configs) => configs.flatMap((c) => (c.tls ? [c.tls.cert, c.tls.key, ...(c.tls.ca ? [c.tls.ca] : [])].map((t) => ({ path: t.text, at: t, what: 'dnstap tls file' })) : [])),
    async setup(configs, ctx) {
      const taps = await Promise.all(
        configs.map(async (c) => {
          const output = await ctx.shared(outputKey(c), () => openOutput(c, readTls(c), timing, ctx.log), (o) => o.close());
          const extra = c.extra ? compileExtra(c.extra) : null;
          return new Tap(output.queue, { identity: c.identity ?? hostname(), version: c.version ?? `chaindns-${VERSION}`, extra, full: c.full });
        }),
      );
      ctx.offer('upstreamTap', { upstream: (e) => taps.forEach((t) => t.upstream(e)) });
      return createDnstap(taps);
    },
  });
}

/** `dnstap` with CoreDNS's timings. */
export const dnstap = dnstapPlugin();

/** One output per endpoint and options: blocks and config generations that agree share it. */
function outputKey(c: TapConfig): string {
  const tls = c.tls ? [c.tls.cert.text, c.tls.key.text, c.tls.ca?.text ?? ''] : [];
  return `dnstap ${JSON.stringify([c.listen, c.endpoint, c.writeBufferMiB, c.queueMultiple, c.skipVerify, ...tls])}`;
}

async function openOutput(c: TapConfig, tls: ListenerTls | null, timing: OutputTiming, log: Logger): Promise<TapOutput> {
  const common = { endpoint: c.endpoint, address: c.address, writeBufferBytes: c.writeBufferMiB * MiB, maxMessages: c.queueMultiple * QUEUE_UNIT, timing, log };
  if (!c.listen) return new Outgoing({ ...common, skipVerify: c.skipVerify });
  const listener = new Listener({ ...common, tls });
  await listener.listen();
  return listener;
}

/** A TLS listener's files, read and checked now: a bad one fails the start at its token. */
function readTls(c: TapConfig): ListenerTls | null {
  if (!c.tls) return null;
  const read = (t: Token): Buffer => {
    try {
      return readFileSync(t.text);
    } catch (err) {
      return configError(t, `dnstap: tls: cannot read ${t.text}: ${(err as Error).message}`);
    }
  };
  const tls = { cert: read(c.tls.cert), key: read(c.tls.key), ca: c.tls.ca ? read(c.tls.ca) : null, skipVerify: c.skipVerify };
  try {
    createSecureContext({ cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}) });
  } catch (err) {
    configError(c.at, `dnstap: tls: ${(err as Error).message}`);
  }
  return tls;
}

