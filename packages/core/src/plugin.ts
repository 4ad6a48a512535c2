import type { AddressInfo, Server as NetServer } from 'node:net';
import type { Registry } from 'prom-client';
import type { CapabilityName, CapabilityOffers, CapabilityRef, Capabilities } from './capabilities.js';
import type { Directive, Token } from './corefile/types.js';
import { ChainDNSError } from './errors.js';
import type { Logger } from './logger.js';
import type { Metadata } from './metadata.js';
import type { EndpointSet } from './server/endpoint-set.js';
import type { ServerTls } from './server/tls-settings.js';
import type { UdpTransport } from './transport.js';
import type { Workers } from './workers.js';
import { Rcode } from './wire/constants.js';
import type { Request } from './wire/request.js';

/**
 * Where a reply goes. `write` takes the whole encoded message and owns it from
 * then on (a writer may patch it in place). Post-processing plugins wrap the
 * writer they were given and call through.
 */
export interface ResponseWriter {
  write(msg: Buffer): void;
}

/** A handler's result: the rcode, synchronously where it can, or a promise when it awaits I/O. */
export type Result = number | Promise<number>;

/** How many lookups deep SetupContext.resolve goes (each passing the query it answers) before it rejects with CHAINDNS_RESOLVE_LOOP. */
export const MAX_RESOLVE_HOPS = 8;

/** Calls the rest of the chain. */
export type Next = (req: Request, w: ResponseWriter) => Result;

/**
 * A plugin's handler in a server block's chain. It answers (writes and
 * returns the rcode), passes on (`return next(req, w)`, no await), or wraps
 * `w` to see what comes back. Returning SERVFAIL, REFUSED, FORMERR or NOTIMP
 * without writing lets the server answer with that rcode; any other rcode
 * without a write answers SERVFAIL.
 */
export interface Handler {
  readonly name: string;
  serveDNS(req: Request, w: ResponseWriter, next: Next): Result;
}

/**
 * An error a plugin throws (or rejects with) to fail one query: the client
 * gets `rcode` and one log line names the plugin. Any other thrown value is
 * treated as a crash: SERVFAIL, a log line and `coredns_panics_total`.
 */
export class PluginError extends Error {
  constructor(
    readonly plugin: string,
    readonly rcode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PluginError';
  }
}

/**
 * What a handler returns, without writing, to send the client no reply at all
 * (CoreDNS's acl `drop` and erratic's `drop` return success unwritten): the
 * server writes nothing, where any other unwritten rcode gets an answer.
 */
export const NO_REPLY = -1;

/**
 * The rcode the client gets when a chain returns `rcode` without writing (the
 * server writes it, as CoreDNS's plugin.ClientWrite): SERVFAIL, REFUSED,
 * FORMERR and NOTIMP as returned, any other SERVFAIL. For plugins that report
 * how a query ended (log, prometheus).
 */
export function unwrittenRcode(rcode: number): number {
  return rcode === Rcode.SERVFAIL || rcode === Rcode.REFUSED || rcode === Rcode.FORMERR || rcode === Rcode.NOTIMP ? rcode : Rcode.SERVFAIL;
}

/** The rcode a chain's throw (or rejection) stands for: a PluginError's own, SERVFAIL for a crash. */
export function thrownRcode(err: unknown): number {
  return err instanceof PluginError ? err.rcode : Rcode.SERVFAIL;
}

/**
 * A server block's view (CoreDNS's dnsserver.Viewer): of several blocks for
 * the same zone and listener, the first in the Corefile whose view accepts a
 * query serves it; a block without a view accepts every query.
 */
export interface BlockView {
  /** The view's name: the `view` label of metrics, Request.view. */
  readonly name: string;
  /** Whether this block serves `req`; called per query before the chain, so quick and without I/O. */
  accept(req: Request): boolean;
}

/**
 * Makes a query's metadata when the server routes it, before any view
 * decides (CoreDNS's dnsserver.MetadataCollector); null: none for this query.
 */
export type MetadataCollector = (req: Request) => Metadata | null;

/** What a plugin's `parse` may use: the block's zones and port, and a way to warn. */
export interface ParseContext {
  /** The zones of the server block (lowercased FQDNs). */
  readonly zones: readonly string[];
  readonly port: number;
  /** Logs a configuration warning that points at `token` (deprecated options and the like). */
  warn(token: Token, message: string): void;
}

/** A resource shared by every block and every config generation that asks for the same key. */
export interface SharedResource<T> {
  readonly value: T;
}

/** What a plugin's `setup` gets from the server. */
export interface SetupContext extends ParseContext {
  /**
   * The `server` metric label of this block: `dns://:53`, `dns://127.0.0.1:1053`.
   * Read it once the listeners are open (at query or scrape time) to get the
   * label of the block's first listener, with its `bind` address and bound port.
   */
  readonly server: string;
  /** The directives of this block, in chain order (for `coredns_plugin_enabled`). */
  readonly plugins: readonly string[];
  /** The server's own prom-client Registry (never the global one); it lives across reloads. */
  readonly registry: Registry;
  /** Logs as `[LEVEL] plugin/<name>: ...`. */
  readonly log: Logger;
  /** The Corefile this instance was built from: its files (for reload's watch) and its text. */
  readonly corefile: CorefileSource;
  /**
   * The local ends of the sockets this server's plugins have open towards
   * upstreams, one set for the whole server (every block, every config
   * generation). A plugin that sends queries out adds each socket while it
   * is open. A query arriving from one of them is this server's own query
   * come back through a forwarding loop: whatever waits for its answer waits
   * on itself, so a plugin that makes queries wait for an identical one in
   * flight (cache) must not make this one wait.
   */
  readonly outbound: EndpointSet;
  /**
   * The server's UDP transport (dgram, or the batched native one). A plugin that
   * queries upstreams over UDP binds its client sockets here (`connect`), so that
   * its queries and their answers are batched with the listeners' traffic.
   */
  readonly udp: UdpTransport;
  /**
   * The threads of this process that run the Corefile (`-workers N`), and this one's number: a
   * plugin that holds something for the whole process (an HTTP listener, a watch, the process's
   * metrics) does so in the primary (`workers.index === 0`) only, and shares what the others need
   * through `publish`/`subscribe`. Worker 0 of 1 when the server runs alone.
   */
  readonly workers: Workers;
  /** Runs after every setup, before the listeners open. A throw stops the start. */
  onStartup(hook: () => void | Promise<void>): void;
  /**
   * Runs once this config serves queries: after its listeners opened (start)
   * or after a reload swapped it in. Not awaited, so it may start background
   * work that needs the server reachable (loop's probe); a throw is logged.
   */
  onListen(hook: () => void | Promise<void>): void;
  /** Runs after the listeners close and in-flight queries finish, in reverse order; also when a reload retires this config. */
  onShutdown(hook: () => void | Promise<void>): void;
  /** Runs when the process stops (not on reload), before the listeners close: the lameduck. */
  onFinalShutdown(hook: () => void | Promise<void>): void;
  /** Registers a readiness check (the `ready` plugin reports it); true when ready. */
  registerReady(name: string, check: () => boolean): void;
  /** Registers a liveness check (the `health` plugin reports it); true when healthy. */
  registerHealth(name: string, check: () => boolean): void;
  /** The server-wide status the `ready` and `health` plugins serve. */
  readonly status: ServerStatus;
  /** Sets the addresses this block listens on (the `bind` plugin). */
  bind(addresses: readonly string[]): void;
  /**
   * Gives this block a view (the `view` plugin), once per block (a second is
   * a CorefileError at `at`). Blocks with views may share a zone and
   * listener with each other and with one block without a view.
   */
  view(view: BlockView, at: Token | Directive): void;
  /**
   * Makes `collect` run for every query routed to this block, before its view
   * decides, to set Request.metadata (the `metadata` plugin), once per block.
   */
  collectMetadata(collect: MetadataCollector, at: Token | Directive): void;
  /**
   * Sets the TLS of this block's `tls://` and `https://` listeners (the `tls`
   * plugin), once per block; `dns://` listeners have none. A block without a
   * `tls://` or `https://` key fails with a CorefileError at `at`. A `tls://`
   * key without it is an error; an `https://` one without it serves plain HTTP.
   */
  tls(settings: ServerTls, at: Token | Directive): void;
  /**
   * Sends a query through the server (its routing once it listens, else this
   * block's chain), in process, and resolves with the reply's bytes. Pass the
   * query being answered as `via`: the lookup carries its EDNS (the DO bit,
   * as CoreDNS's upstream does) and counts as one more hop after it; past
   * eight hops it rejects with CHAINDNS_RESOLVE_LOOP (a CNAME loop through
   * two plugins or blocks).
   */
  resolve(qname: string, qtype: number, via?: Request): Promise<Buffer>;
  /**
   * Listens a plugin's own server (an HTTP listener: health, ready, /metrics) on `host:port`
   * as the server's listeners listen: with SO_REUSEPORT when the server shares its ports
   * (`reusePort`), so that a successor process binds beside this one during an upgrade.
   * Resolves with where it is bound; rejects as `listen` fails (EADDRINUSE, EADDRNOTAVAIL).
   */
  listen(server: NetServer, host: string, port: number): Promise<AddressInfo>;
  /**
   * A resource (an HTTP listener, say) shared by every block and every
   * config generation that asks for `key`: created by the first, disposed when
   * the last config holding it is retired. A reload keeps it open.
   */
  shared<T>(key: string, create: () => T | Promise<T>, dispose: (value: T) => void | Promise<void>): Promise<T>;
  /**
   * Asks the server to reload its Corefile (what SIGUSR1 does). Resolves once
   * the new config serves; rejects when it failed (the failure is logged and
   * the old config keeps serving), so a caller may count it.
   */
  requestReload(): Promise<void>;
  /**
   * Turns debug logging on for the whole server (the `debug` plugin; CoreDNS's
   * log.D): every `log.debug` line, the server's and every plugin's, is
   * written from now on (the setups after this one's too), until a config
   * without it replaces this one; a reload that fails leaves it as it was.
   */
  enableDebug(): void;
  /**
   * Stops the server for good with `error` (CoreDNS's log.Fatal): logged as
   * `[FATAL]`, then `server.closed` rejects with it and the binary exits 1.
   */
  fatal(error: Error): void;
  /** Offers a capability of this plugin to the others of its server block, under this plugin's directive name. */
  offer<K extends CapabilityName>(capability: K, value: Capabilities[K]): void;
  /**
   * The capability that the plugin `directive` of this block offers (`autopath @kubernetes`).
   * It is looked up once every setup of the block has run: when that plugin is absent or does
   * not offer it, the start fails with a CorefileError at `at`. Read `.value` at startup or
   * query time.
   */
  need<K extends CapabilityName>(directive: string, capability: K, at: Token | Directive): CapabilityRef<K>;
  /**
   * Every offer of `capability` in this block, whichever plugin makes it, in
   * chain order (transfer asks every zoneSource, as CoreDNS asks every
   * Transferer of the block). Read `.value` at startup or query time.
   */
  needAll<K extends CapabilityName>(capability: K): CapabilityOffers<K>;
}

export interface CorefileSource {
  /** The Corefile's path, or null when it came from a string or an object. */
  readonly path: string | null;
  readonly text: string;
  /** Absolute paths of every file read (the Corefile and its imports). */
  readonly files: readonly string[];
}

/** The server-wide view of readiness and health, live across reloads. */
export interface ServerStatus {
  /**
   * Names of the checks not ready now; `["shutdown"]` once the server is
   * stopping. With `settled` (CoreDNS's `monitor until-ready`), a check
   * named there is not asked, and one that passes is added to it.
   */
  notReady(settled?: Set<string>): string[];
  /** Names of the liveness checks failing now. */
  unhealthy(): string[];
  readonly stopping: boolean;
}

/** A file a Corefile names, as a plugin's `files` lists it. */
export interface NamedFile {
  /** As the Corefile gives it: a relative path is read from the working directory. */
  readonly path: string;
  /** Where the Corefile names it (a token, or the directive's position). */
  readonly at: { readonly file: string; readonly line: number };
  /** What it is, for the message: `kubeconfig`, `hosts file`, `manifests`. */
  readonly what: string;
  /** The plugin starts without it (hosts waits for the file to appear): a missing file is a warning. */
  readonly optional?: boolean;
  /** A directory is accepted too (manifests read the files in it). */
  readonly directory?: boolean;
}

/**
 * A plugin package's default export. Built-in and third-party plugins use
 * exactly this contract.
 */
export interface PluginDefinition<Config = unknown> {
  /** The Corefile directive. */
  readonly name: string;
  /** Turns one directive occurrence into typed options; throws CorefileError with the token's position. */
  parse(directive: Directive, ctx: ParseContext): Config;
  /**
   * When present, the directive may appear several times in a block: the
   * configs of all occurrences are combined into one (else a second one is an error).
   */
  combine?(configs: Config[]): Config;
  /**
   * The files a config names (a kubeconfig, a hosts file, manifests), so that
   * `chaindns check` can report those missing or unreadable without running
   * setup. Pure, as `parse`. A plugin that reads its files in `parse` already
   * reports them there and needs no `files`.
   */
  files?(config: Config): readonly NamedFile[];
  /** Builds the block's handler; setup-only plugins (bind, health) return nothing. */
  setup(config: Config, ctx: SetupContext): Handler | void | Promise<Handler | void>;
  /**
   * The plugin serves questions of any class, not only IN: it sends them on
   * (forward) or holds data of another class (chaos). A server block where no
   * plugin declares it answers a question of another class (CH, HS, NONE,
   * ANY) REFUSED before its chain runs, as CoreDNS does unless a block has
   * chaos, forward or proxy. Core names no plugin: each one says it here.
   */
  readonly anyClass?: boolean;
  /**
   * The plugin gives its block a view (it calls `ctx.view` in setup): blocks
   * with a view may share a zone and port with each other and with one block
   * without. Declared here so that the Corefile's keys are checked before any
   * setup runs (`chaindns check` too).
   */
  readonly view?: boolean;
  /** Where a third-party plugin goes in the chain; built-ins take their place from the order table. */
  readonly order?: { readonly before?: string; readonly after?: string };
  /** A semver range of @chaindns/core this plugin works with (`^0.1.0`). */
  readonly requires?: { readonly core?: string };
}

/** Checks a definition's shape and returns it typed; a plugin package exports the result. */
export function definePlugin<Config>(definition: PluginDefinition<Config>): PluginDefinition<Config> {
  if (!/^[a-z][a-z0-9_]*$/.test(definition.name)) {
    throw new ChainDNSError('CHAINDNS_PLUGIN_DEFINITION', `plugin name "${definition.name}" must be lowercase letters, digits and _`);
  }
  if (typeof definition.parse !== 'function' || typeof definition.setup !== 'function') {
    throw new ChainDNSError('CHAINDNS_PLUGIN_DEFINITION', `plugin "${definition.name}" needs parse and setup functions`);
  }
  return definition;
}

/** A definition of any config type, as the registry holds them (methods are bivariant in their parameters). */
export type AnyPluginDefinition = PluginDefinition<unknown>;
