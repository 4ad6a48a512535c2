import type { Registry } from 'prom-client';
import { isNoIPv6 } from '../corefile/host-port.js';
import type { Scheme } from '../corefile/types.js';
import { ChainDNSError } from '../errors.js';
import { Counter } from '../metric-classes.js';
import type { Logger } from '../logger.js';
import type { FrameSink, Remote, StreamListener, StreamSocketBinder, StreamTransport, UdpBinding, UdpTransport } from '../transport.js';
import type { Dispatcher } from './dispatch.js';
import { listenerKey } from './instance.js';
import type { Router } from './router.js';
import { sameTls, type ServerTls } from './tls-settings.js';

/** One address and port of one scheme: UDP and TCP for `dns`, a stream listener for `tls` and `https`. */
export interface Listener {
  readonly key: string;
  readonly scheme: Scheme;
  readonly address: string;
  readonly port: number;
  router: Router;
  readonly udp: UdpBinding | null;
  readonly stream: StreamListener;
  /** The TLS its stream serves now (`tls` and `https`). */
  tls: ServerTls | null;
  /** Set once it stops taking queries (quiesce): settles when it has. */
  quiesced?: Promise<void>;
}

/** What the listeners need from their server. */
export interface ListenerEnv {
  readonly transport: UdpTransport;
  readonly streams: StreamTransport;
  readonly dispatcher: Dispatcher;
  /** The server's registry, for CoreDNS's DoH response counter. */
  readonly registry: Registry;
  readonly log: Logger;
  /** Bind every listener with SO_REUSEPORT (the UDP transport's `reusePort` binds the stream sockets), or null. */
  readonly reusePort: StreamSocketBinder | null;
  /** The port a scheme's port-0 keys take from the start (a worker takes the primary's). */
  readonly portZero?: Partial<Record<Scheme, number>>;
}

/**
 * A server's listeners, by `scheme|address|port`. They outlive config
 * generations: each generation's routers are laid over the listeners that
 * fit, and only the missing ones are opened.
 */
export class ListenerSet implements Iterable<Listener> {
  private readonly byKey = new Map<string, Listener>();
  /** The free port the first port-0 key of each scheme got, shared by that scheme's port-0 keys. */
  private readonly freePorts = new Map<Scheme, number>();
  /** CoreDNS's `coredns_dns_https_responses_total`, registered with the first DoH listener (CoreDNS shows it only once it counts). */
  private httpsResponses: Counter<'server' | 'status'> | null = null;

  constructor(private readonly env: ListenerEnv) {
    for (const [scheme, port] of Object.entries(env.portZero ?? {})) this.freePorts.set(scheme as Scheme, port);
  }

  /** The port each scheme's port-0 keys got. */
  portZero(): Partial<Record<Scheme, number>> {
    return Object.fromEntries(this.freePorts);
  }

  [Symbol.iterator](): Iterator<Listener> {
    return this.byKey.values();
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** The listener of `scheme` on `port` (0: the free port that scheme's port-0 keys got). */
  find(scheme: Scheme, port: number): Listener | undefined {
    const bound = port === 0 ? this.freePorts.get(scheme) : port;
    for (const l of this.byKey.values()) if (l.scheme === scheme && l.port === bound) return l;
    return undefined;
  }

  /**
   * Opens the listeners `routers` need that are not open (all of them or,
   * on an error, none), and gives every wanted listener its router and TLS.
   * Returns those it opened and the keys of those no longer wanted.
   */
  async take(routers: Map<string, Router>): Promise<{ opened: Listener[]; unused: string[] }> {
    // A free port one address got may be taken on the next: choose again (only while this take chose it).
    for (let attempt = 0; ; attempt++) {
      const chosen = new Set<Scheme>([...routers.keys()].map((k) => splitKey(k)[0]).filter((s) => !this.freePorts.has(s)));
      try {
        return await this.takeOnce(routers);
      } catch (err) {
        if (attempt >= 10 || chosen.size === 0 || !inUse(err)) throw err;
        for (const s of chosen) this.freePorts.delete(s);
      }
    }
  }

  private async takeOnce(routers: Map<string, Router>): Promise<{ opened: Listener[]; unused: string[] }> {
    const wanted = new Map<string, Router>();
    const opened: Listener[] = [];
    try {
      for (const [key, router] of routers) {
        const [scheme, address, declared] = splitKey(key);
        // Every key of a scheme with port 0 shares the one free port the first of them got.
        const port = declared === 0 ? (this.freePorts.get(scheme) ?? 0) : declared;
        let id = listenerKey(scheme, address, port);
        if (!this.byKey.has(id)) {
          const listener = await this.open(scheme, address, port, router);
          if (declared === 0) this.freePorts.set(scheme, listener.port);
          id = listener.key;
          this.byKey.set(id, listener);
          opened.push(listener);
        }
        wanted.set(id, router);
      }
    } catch (err) {
      await this.close(opened.map((l) => l.key), 0);
      throw err;
    }
    for (const [key, router] of wanted) {
      const listener = this.byKey.get(key)!;
      router.setPort(listener.port);
      listener.router = router;
      if (changed(listener.tls, router.tls)) {
        listener.stream.update(router.tls);
        listener.tls = router.tls;
      }
    }
    return { opened, unused: this.keys().filter((k) => !wanted.has(k)) };
  }

  /**
   * Stops listeners taking queries: UDP sockets detach (the kernel hands new datagrams to the
   * other sockets on the port) and resolve once what was queued is in, or close where the
   * transport cannot detach; stream listeners stop accepting, and their open connections get
   * `grace` ms to finish their answers. UDP sockets still send the answers to what they took
   * until `close`.
   */
  async quiesce(keys: readonly string[], grace: number): Promise<void> {
    await Promise.all(
      keys.map(async (key) => {
        const l = this.byKey.get(key);
        if (!l || l.quiesced) return;
        l.quiesced = Promise.all([l.udp?.detach ? l.udp.detach() : l.udp?.close(), l.stream.close(grace)]).then(() => {});
        await l.quiesced;
      }),
    );
  }

  /** Closes listeners (quiescing those that were not); open stream connections get `grace` ms to finish their answers. */
  async close(keys: readonly string[], grace: number): Promise<void> {
    await Promise.all(
      keys.map(async (key) => {
        const l = this.byKey.get(key);
        if (!l) return;
        await (l.quiesced ?? this.quiesce([key], grace));
        this.byKey.delete(key);
        await l.udp?.close();
      }),
    );
  }

  /** What a listener speaks, for its log line. */
  describe(l: Listener): string {
    if (l.scheme === 'dns') return `udp: ${this.env.transport.name}, tcp: ${this.env.transport.tcp ? this.env.transport.name : 'node:net'}`;
    if (l.scheme === 'tls') return 'DNS over TLS';
    return l.tls ? 'DNS over HTTPS: h2, http/1.1' : 'DNS over HTTP/1.1, without TLS';
  }

  private async open(scheme: Scheme, address: string, port: number, router: Router): Promise<Listener> {
    if (scheme === 'dns') return this.openDns(address, port, router);
    const listener: { router: Router } = { router };
    let stream: StreamListener;
    try {
      stream = await this.listenStream(listener, scheme, address, port);
    } catch (err) {
      if (address === '::' && isNoIPv6(err)) return this.open(scheme, '0.0.0.0', port, router);
      throw listenError(scheme, address, port, err);
    }
    return Object.assign(listener, { key: listenerKey(scheme, address, stream.port), scheme, address, port: stream.port, udp: null, stream, tls: router.tls });
  }

  private async openDns(address: string, port: number, router: Router): Promise<Listener> {
    const { transport, dispatcher } = this.env;
    // Port 0: UDP picks a free port, TCP takes the same number; retry if TCP finds it taken.
    for (let attempt = 0; ; attempt++) {
      const listener: { router: Router } = { router };
      let udp: UdpBinding;
      try {
        const reusePort = this.env.reusePort !== null;
        // SO_REUSEPORT on port 0 may be given a port that another process's such socket holds: take one nobody holds.
        const bindPort = reusePort && port === 0 ? await unheldPort(transport, address) : port;
        udp = await transport.bind({ address, port: bindPort, reusePort }, (data, from, via) => dispatcher.udp(listener.router, data, from, via));
      } catch (err) {
        if (address === '::' && isNoIPv6(err)) return this.openDns('0.0.0.0', port, router);
        throw listenError('udp', address, port, err);
      }
      try {
        const tcp = await this.listenStream(listener, 'dns', address, udp.port);
        return Object.assign(listener, { key: listenerKey('dns', address, udp.port), scheme: 'dns' as const, address, port: udp.port, udp, stream: tcp, tls: null });
      } catch (err) {
        await udp.close();
        if (port !== 0 || attempt >= 10) throw listenError('tcp', address, udp.port, err);
      }
    }
  }

  /** A stream listener whose messages go to `listener`'s router (whichever it has then). */
  private listenStream(listener: { router: Router }, scheme: Scheme, address: string, port: number): Promise<StreamListener> {
    const { dispatcher, registry } = this.env;
    const responses = scheme === 'https' ? (this.httpsResponses ??= new Counter({ name: 'coredns_dns_https_responses_total', help: 'Counter of DoH responses per server and http status code.', labelNames: ['server', 'status'], registers: [registry] })) : null;
    const reusePort = this.env.reusePort ?? undefined;
    return this.env.streams.listen(
      { scheme, address, port, tls: listener.router.tls, httpStatus: (status) => void responses?.inc({ server: listener.router.server, status }), ...(reusePort ? { reusePort } : {}) },
      (data: Buffer, from: Remote, sink: FrameSink) => dispatcher.tcp(listener.router, data, from, sink),
    );
  }
}

function splitKey(key: string): [Scheme, string, number] {
  const first = key.indexOf('|');
  const last = key.lastIndexOf('|');
  return [key.slice(0, first) as Scheme, key.slice(first + 1, last), Number(key.slice(last + 1))];
}

/** Whether a listener serving `now` must take `next`: another certificate or policy, or another key log. */
function changed(now: ServerTls | null, next: ServerTls | null): boolean {
  if (!now || !next) return now !== next;
  return !sameTls(now, next) || now.keylog !== next.keylog;
}

/** A UDP port on `address` that no socket holds now: bound without SO_REUSEPORT, then let go. */
async function unheldPort(transport: UdpTransport, address: string): Promise<number> {
  const probe = await transport.bind({ address, port: 0 }, () => {});
  await probe.close();
  return probe.port;
}

function inUse(err: unknown): boolean {
  return (err as { cause?: { code?: string } }).cause?.code === 'EADDRINUSE';
}

function listenError(proto: string, address: string, port: number, err: unknown): ChainDNSError {
  const reason = err instanceof Error ? err.message : String(err);
  return new ChainDNSError('CHAINDNS_LISTEN', `cannot listen on ${proto} ${address.includes(':') ? `[${address}]` : address}:${port}: ${reason}`, { cause: err });
}
