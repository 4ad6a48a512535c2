import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCorefile } from '../corefile/index.js';
import type { Corefile, Scheme } from '../corefile/types.js';
import { ChainDNSError } from '../errors.js';
import { Counter, Registry } from '../metric-classes.js';
import { gateDebug, type Logger, type LoggerLike, toLogger } from '../logger.js';
import { type AnyPluginDefinition, type CorefileSource, MAX_RESOLVE_HOPS } from '../plugin.js';
import type { Remote, StreamTransport, UdpTransport } from '../transport.js';
import { QType } from '../wire/constants.js';
import { Request, parseRequest } from '../wire/request.js';
import { buildQuery } from '../wire/query.js';
import { dgramTransport } from './dgram-transport.js';
import { Dispatcher } from './dispatch.js';
import { type BuiltBlock, Instance } from './instance.js';
import { EndpointSet } from './endpoint-set.js';
import { ListenerSet } from './listener-set.js';
import { nodeStreamTransport } from './node-streams.js';
import { loadPlugins } from './plan.js';
import { PluginRegistry } from './registry.js';
import { SharedResources } from './shared.js';
import { type PeerStatus, StatusBoard } from './status.js';
import { SOLE_WORKER, type Workers } from '../workers.js';
import { type ConnectionOptions, connectionOptions } from './connection-table.js';
import { TcpWriter } from './writer.js';
import { configToCorefile, type ServerConfig } from './config-object.js';

export interface ServerOptions {
  /**
   * The Corefile: its text, a path to read (`{ path }`; with `text`, that text as read from the
   * path: its imports and its reload's watch are the path's), or an object (`{ config }`).
   */
  readonly corefile: string | { readonly path: string; readonly text?: string } | { readonly config: ServerConfig };
  /** The directives this server knows, in chain order. */
  readonly plugins: PluginRegistry;
  /** Called for a directive the registry lacks; may load a third-party plugin (the distribution does). */
  readonly loadPlugin?: (name: string) => Promise<AnyPluginDefinition | undefined>;
  /** The port for keys that name none (`-dns.port`). Default 53. Port 0 picks one free port for all such keys. */
  readonly dnsPort?: number;
  /** Addresses for blocks without `bind`. Default `::` (all, IPv4 and IPv6), falling back to `0.0.0.0`. */
  readonly defaultAddresses?: readonly string[];
  /** Where the server logs: an object with `info`, `warn` and `error` methods (console, pino, `createLogger()`). Default stdout. */
  readonly logger?: LoggerLike;
  /** The UDP transport. Default Node's dgram. */
  readonly udpTransport?: UdpTransport;
  /** The stream transports (DNS over TCP, TLS and HTTPS). Default Node's, with the `tcp` limits. */
  readonly streamTransport?: StreamTransport;
  /**
   * The limits of every stream connection (TCP, DNS over TLS, DNS over HTTPS): `readTimeoutMs`,
   * `writeTimeoutMs`, `idleTimeoutMs`, `maxConnections` (CoreDNS's defaults: 3s, 5s, 10s; 1000).
   */
  readonly tcp?: Partial<ConnectionOptions>;
  /** How long a stop or reload waits for in-flight queries. Default 5s. */
  readonly drainTimeoutMs?: number;
  /**
   * SO_REUSEPORT on every listener, so that other sockets share its address and port: the other
   * workers of a process, or a successor process during an upgrade. A stop then detaches the UDP
   * sockets first (the kernel gives new datagrams to the others), answers what they had queued
   * and what is in flight, and closes them after. Needs a UDP transport that offers `reusePort`
   * (@chaindns/udp-native, or Node.js 22.12+'s dgram, whose detach drops what still comes).
   */
  readonly reusePort?: boolean;
  /** The port that a scheme's port-0 keys take (a worker takes the one its primary got). Default: a free one, chosen at start. */
  readonly portZero?: Partial<Record<Scheme, number>>;
  /** The threads of the process that run this Corefile, for the plugins (SetupContext.workers). Default: this one alone. */
  readonly workers?: Workers;
  /** Readiness and liveness beyond the plugins' checks (the primary's view of the other workers), kept across reloads. */
  readonly peerStatus?: PeerStatus;
  /** The registry the plugins register in (the primary's sums the workers'). Default a new one. */
  readonly registry?: Registry;
  /** Called once a reload serves, with the Corefile it loaded (the primary reloads its workers with it). */
  readonly onReload?: (source: CorefileSource) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface ListenAddress {
  /** `dns` (UDP and TCP), `tls` (DNS over TLS) or `https` (DNS over HTTPS). */
  readonly scheme: Scheme;
  readonly address: string;
  readonly port: number;
  /** CoreDNS's `server` label for this listener. */
  readonly server: string;
}

type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * A running chaindns: listeners that outlive config generations, the live
 * generation, and the per-server metrics Registry. Start, reload and stop it.
 */
export class Server {
  readonly registry: Registry;
  /** The local ends of the sockets the plugins have open towards upstreams (SetupContext.outbound). */
  readonly outbound = new EndpointSet();
  readonly log: Logger;
  readonly status = new StatusBoard();
  private state: State = 'new';
  private instance: Instance | null = null;
  private readonly listeners: ListenerSet;
  private readonly shared = new SharedResources();
  private readonly dispatcher: Dispatcher;
  private readonly transport: UdpTransport;
  private readonly plugins: PluginRegistry;
  private reloading: Promise<void> = Promise.resolve();
  private settle!: { resolve: () => void; reject: (err: Error) => void };
  private fatalError: Error | null = null;
  /** Debug lines are written: the live config has `debug`, or the one being built turned it on (SetupContext.enableDebug). */
  private debugging = false;
  /** Resolves when the server has stopped; rejects with the error of a plugin's `fatal()`. */
  readonly closed: Promise<void> = new Promise((resolve, reject) => {
    this.settle = { resolve, reject };
  });

  constructor(private readonly options: ServerOptions) {
    this.log = gateDebug(toLogger(options.logger), () => this.debugging);
    this.registry = options.registry ?? new Registry();
    this.transport = options.udpTransport ?? dgramTransport(this.log);
    if (options.reusePort && !this.transport.reusePort) {
      throw new ChainDNSError('CHAINDNS_OPTIONS', `reusePort: the ${this.transport.name} UDP transport cannot share a port (SO_REUSEPORT); the native transport (@chaindns/udp-native) can, and Node.js's dgram from 22.12`);
    }
    this.status.peers = options.peerStatus ?? null;
    this.plugins = options.plugins.clone();
    // CoreDNS's counter has no labels, so it shows 0 from the start.
    const panics = new Counter({ name: 'coredns_panics_total', help: 'A metrics that counts the number of panics.', registers: [this.registry] });
    this.dispatcher = new Dispatcher(this.log, panics);
    if (options.streamTransport && options.tcp) throw new ChainDNSError('CHAINDNS_OPTIONS', 'tcp: the connection limits are those of the default stream transport; a streamTransport given sets its own');
    const streams = options.streamTransport ?? nodeStreamTransport(connectionOptions(options.tcp), this.log, this.transport.tcp);
    this.listeners = new ListenerSet({
      transport: this.transport,
      streams,
      dispatcher: this.dispatcher,
      registry: this.registry,
      log: this.log,
      reusePort: (options.reusePort && this.transport.reusePort) || null,
      ...(options.portZero ? { portZero: options.portZero } : {}),
    });
    // Marked handled here; whoever awaits `closed` still sees the rejection.
    this.closed.catch(() => {});
  }

  /** The port each scheme's port-0 keys got (after start): what the other workers of the process take. */
  portZero(): Partial<Record<Scheme, number>> {
    return this.listeners.portZero();
  }

  /** The UDP transport in use (`dgram` or `native`). */
  get transportName(): string {
    return this.transport.name;
  }

  /** Builds the config, runs the startup hooks, then opens the listeners. */
  async start(): Promise<this> {
    if (this.state !== 'new') throw new ChainDNSError('CHAINDNS_STATE', `start() on a server that is ${this.state}`);
    this.state = 'starting';
    try {
      const instance = await this.load(this.options.corefile);
      await this.activate(instance);
    } catch (err) {
      this.state = 'stopped';
      await this.listeners.close(this.listeners.keys(), this.options.drainTimeoutMs ?? 5000);
      throw err;
    }
    this.state = 'running';
    this.instance!.runListen();
    return this;
  }

  /**
   * Loads a new config beside the running one and swaps it in; the old one
   * drains and stops. On any error the old config keeps serving and the error
   * is thrown. With no argument, the Corefile is read again from where it came.
   */
  reload(corefile: ServerOptions['corefile'] = this.options.corefile): Promise<void> {
    const run = this.reloading.then(() => this.reloadNow(corefile));
    this.reloading = run.catch(() => {});
    return run;
  }

  private async reloadNow(corefile: ServerOptions['corefile']): Promise<void> {
    if (this.state !== 'running') throw new ChainDNSError('CHAINDNS_STATE', `reload() on a server that is ${this.state}`);
    const old = this.instance!;
    const debugging = this.debugging;
    const next = await this.load(corefile).catch((err: unknown) => {
      this.debugging = debugging;
      throw err;
    });
    try {
      await this.activate(next);
    } catch (err) {
      this.debugging = debugging;
      await next.stop();
      throw err;
    }
    this.log.info(`Reloading complete`);
    next.runListen();
    this.options.onReload?.(next.source);
    await old.inflight.drained(this.options.drainTimeoutMs ?? 5000);
    await old.stop();
  }

  /** Lameduck hooks while still serving, then closes listeners, drains, and runs shutdown hooks. */
  stop(): Promise<void> {
    return this.halt(false);
  }

  /**
   * Stops the server. After a `fatal` error it stops at once, as CoreDNS's
   * log.Fatal exits: no lameduck, no waiting for a reload or for queries in
   * flight (in a forwarding loop they would only time out); the listeners
   * close and the shutdown hooks run.
   */
  private async halt(fatal: boolean): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    if (!fatal) await this.reloading;
    this.state = 'stopping';
    this.status.stopping = true;
    const instance = this.instance;
    if (instance && !fatal) await instance.runFinalShutdown();
    const keys = this.listeners.keys();
    const grace = fatal ? 0 : (this.options.drainTimeoutMs ?? 5000);
    // Stop taking queries, answer those taken (UDP sockets still send), then close.
    await this.listeners.quiesce(keys, grace);
    if (instance && !fatal) await instance.inflight.drained(grace);
    await this.listeners.close(keys, 0);
    if (instance) await instance.stop();
    this.state = 'stopped';
    if (this.fatalError) this.settle.reject(this.fatalError);
    else this.settle.resolve();
  }

  /** Where the server listens (after start). */
  addresses(): ListenAddress[] {
    return [...this.listeners].map((l) => ({ scheme: l.scheme, address: (l.udp ?? l.stream).address, port: l.port, server: l.router.server }));
  }

  /** The Corefile source of the live config. */
  get corefile(): CorefileSource | null {
    return this.instance?.source ?? null;
  }

  /**
   * Sends a query through the server in process (no socket), as if it came
   * over `transport` from 127.0.0.1, and resolves with the reply's bytes.
   */
  exchange(msg: Buffer, options: { port?: number; transport?: 'udp' | 'tcp' } = {}): Promise<Buffer> {
    const all = [...this.listeners];
    const listener = options.port === undefined ? all[0] : all.find((l) => l.port === options.port);
    if (!listener) return Promise.reject(new ChainDNSError('CHAINDNS_STATE', 'exchange(): the server has no listener on that port'));
    const from: Remote = { address: '127.0.0.1', port: 0, family: 4 };
    return new Promise((resolve, reject) => {
      const sink = { sendFrame: resolve, noReply: () => reject(noReply('exchange()')) };
      if (options.transport === 'udp') this.dispatcher.udp(listener.router, msg, from, { send: (data) => resolve(Buffer.from(data)), noReply: sink.noReply });
      else this.dispatcher.tcp(listener.router, msg, from, sink);
    });
  }

  /** `exchange` for a name and type: builds the query (RD set, no EDNS). */
  query(name: string, type: number | keyof typeof QType = 'A', options: { port?: number; transport?: 'udp' | 'tcp' } = {}): Promise<Buffer> {
    return this.exchange(buildQuery(name, typeof type === 'number' ? type : QType[type]), options);
  }

  private async load(corefile: ServerOptions['corefile']): Promise<Instance> {
    const { parsed, source } = this.read(corefile);
    await loadPlugins(parsed, this.plugins, this.options.loadPlugin);
    return Instance.build(parsed, source, {
      registry: this.registry,
      log: this.log,
      plugins: this.plugins,
      shared: this.shared,
      status: this.status,
      defaultAddresses: this.options.defaultAddresses ?? ['::'],
      resolve: (block, qname, qtype, via) => this.resolveIn(block, qname, qtype, via),
      outbound: this.outbound,
      udp: this.transport,
      workers: this.options.workers ?? SOLE_WORKER,
      reusePort: (this.options.reusePort && this.transport.reusePort) || null,
      fatal: (error) => {
        this.fatalError ??= error;
        void this.halt(true);
      },
      enableDebug: () => {
        this.debugging = true;
      },
      requestReload: () => {
        const run = this.reload();
        // Handled here, so a caller that ignores the promise leaves no unhandled rejection.
        run.catch((err: unknown) => this.log.error(`reload failed, the old config keeps serving: ${err instanceof Error ? err.message : String(err)}`));
        return run;
      },
    });
  }

  private read(corefile: ServerOptions['corefile']): { parsed: Corefile; source: CorefileSource } {
    const opts = { defaultPort: this.options.dnsPort ?? 53, ...(this.options.env ? { env: this.options.env } : {}) };
    if (typeof corefile === 'string') {
      const parsed = parseCorefile(corefile, opts);
      return { parsed, source: { path: null, text: corefile, files: parsed.files } };
    }
    if ('path' in corefile) {
      const text = corefile.text ?? readFileSync(corefile.path, 'utf8');
      const parsed = parseCorefile(text, { ...opts, file: corefile.path });
      return { parsed, source: { path: corefile.path, text, files: [resolve(corefile.path), ...parsed.files] } };
    }
    const text = configToCorefile(corefile.config);
    const parsed = parseCorefile(text, { ...opts, file: '<config>' });
    return { parsed, source: { path: null, text, files: [] } };
  }

  /** Startup hooks, then listeners (new ones opened, kept ones re-routed and given their new TLS, unused ones closed). */
  private async activate(next: Instance): Promise<void> {
    // A config without `debug` turns it off (CoreDNS clears log.D on a reload); one with it turned it on in its setup.
    this.debugging = next.debug;
    // At the first start there is no serving config whose checks /ready could report: it reports this one's while its
    // startup hooks run (kubernetes holds them until synced), so a probe is not told OK before DNS listens.
    if (!this.instance) this.status.replaceWith(next.board);
    await next.runStartup();
    const { opened, unused } = await this.listeners.take(next.routers());
    this.status.replaceWith(next.board);
    this.instance = next;
    await this.listeners.close(unused, this.options.drainTimeoutMs ?? 5000);
    for (const l of opened) this.log.info(`${l.router.server} on ${l.address}:${l.port} (${this.listeners.describe(l)})`);
  }

  /**
   * An in-process query (ExternalName and CNAME targets, loop's probe):
   * through the server's routing once it listens, else straight into the
   * block's chain. It carries the EDNS of `via`, the query that asked, and
   * one hop more than it; past MAX_RESOLVE_HOPS it is refused, so a CNAME loop
   * through two plugins or blocks ends.
   */
  private resolveIn(block: BuiltBlock, qname: string, qtype: number, via?: Request): Promise<Buffer> {
    const hops = (via?.hops ?? 0) + 1;
    if (hops > MAX_RESOLVE_HOPS) return Promise.reject(new ChainDNSError('CHAINDNS_RESOLVE_LOOP', `resolve(${qname}): more than ${MAX_RESOLVE_HOPS} in-process lookups after the client's query`));
    const edns = via?.edns;
    const msg = buildQuery(qname, qtype, edns ? { edns: { udpSize: edns.udpSize, do: edns.do } } : {});
    const { scheme, port } = block.source.keys[0]!;
    const listener = this.listeners.find(scheme, port);
    // The client of the query that asked, as CoreDNS's upstream does: its lookups take the same view.
    const from: Remote = via?.remote ?? { address: '127.0.0.1', port: 0, family: 4 };
    return new Promise((resolve, reject) => {
      const sink = { sendFrame: resolve, noReply: () => reject(noReply(`resolve(${qname})`)) };
      if (listener) {
        this.dispatcher.tcp(listener.router, msg, from, sink, hops);
        return;
      }
      const req = parseRequest(msg, 'tcp', from) as Request;
      req.hops = hops;
      req.zone = block.zones[0] ?? '.';
      this.dispatcher.serve(req, new TcpWriter(req, sink), block.route);
    });
  }
}

function noReply(what: string): ChainDNSError {
  return new ChainDNSError('CHAINDNS_NO_REPLY', `${what}: its chain answered nothing (NO_REPLY)`);
}
