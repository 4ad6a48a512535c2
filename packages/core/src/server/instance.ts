import type { Corefile, Scheme, ServerBlock, ServerKey, Token } from '../corefile/types.js';
import { ChainDNSError, CorefileError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CapabilityBoard } from '../capabilities.js';
import type { BlockView, CorefileSource, Handler, MetadataCollector, Next, SetupContext } from '../plugin.js';
import { Rcode } from '../wire/constants.js';
import type { EndpointSet } from './endpoint-set.js';
import type { Request } from '../wire/request.js';
import { duplicateKeys, hasView, type PlannedPlugin, planBlock } from './plan.js';
import type { StreamSocketBinder, UdpTransport } from '../transport.js';
import { listenShared } from './listen-http.js';
import type { Workers } from '../workers.js';
import type { PluginRegistry } from './registry.js';
import { InflightCounter, type Route, Router, serverLabel } from './router.js';
import { type ServerTls, sameTls } from './tls-settings.js';
import type { SharedResources } from './shared.js';
import { StatusBoard } from './status.js';
import type { Registry } from 'prom-client';

/** What every generation shares with the runtime that builds it. */
export interface InstanceEnv {
  readonly registry: Registry;
  readonly log: Logger;
  readonly plugins: PluginRegistry;
  readonly shared: SharedResources;
  readonly status: StatusBoard;
  /** Addresses for blocks without `bind`. */
  readonly defaultAddresses: readonly string[];
  readonly resolve: (block: BuiltBlock, qname: string, qtype: number, via?: Request) => Promise<Buffer>;
  /** The server's set of its plugins' outbound sockets (SetupContext.outbound). */
  readonly outbound: EndpointSet;
  /** The server's UDP transport (SetupContext.udp). */
  readonly udp: UdpTransport;
  readonly requestReload: () => Promise<void>;
  readonly fatal: (error: Error) => void;
  /** Turns the server's debug lines on at once (SetupContext.enableDebug), for the setups after it too. */
  readonly enableDebug: () => void;
  /** The threads of the process that run the Corefile (SetupContext.workers). */
  readonly workers: Workers;
  /** Binds the plugins' listeners (SetupContext.listen) with SO_REUSEPORT through it, or null. */
  readonly reusePort: StreamSocketBinder | null;
}

/** One server block after setup. */
export interface BuiltBlock {
  readonly zones: readonly string[];
  readonly ports: readonly number[];
  readonly addresses: readonly string[];
  /** What its `tls://` and `https://` listeners serve (`SetupContext.tls`). */
  readonly tls: ServerTls | null;
  readonly chain: Next;
  readonly route: Route;
  readonly handlers: readonly Handler[];
  readonly source: ServerBlock;
}

/** The end of every chain: nothing answered (CoreDNS: "no next plugin found"). */
const endOfChain: Next = () => Rcode.SERVFAIL;

/** Composes handlers into one `next` function, first handler outermost. */
export function compose(handlers: readonly Handler[]): Next {
  let next = endOfChain;
  for (let i = handlers.length - 1; i >= 0; i--) {
    const h = handlers[i]!;
    const name = h.name;
    const rest = next;
    next = (req, w) => {
      req.plugin = name;
      return h.serveDNS(req, w, rest);
    };
  }
  return next;
}

/**
 * One config generation: every block's chain, the hooks its plugins
 * registered, and the routers its listeners use. A reload builds a new one
 * beside the old.
 */
export class Instance {
  readonly blocks: BuiltBlock[] = [];
  readonly inflight = new InflightCounter();
  readonly board = new StatusBoard();
  /** A plugin of this config turned debug logging on (SetupContext.enableDebug). */
  debug = false;
  private readonly startup: (() => void | Promise<void>)[] = [];
  private readonly shutdown: (() => void | Promise<void>)[] = [];
  private readonly finalShutdown: (() => void | Promise<void>)[] = [];
  private readonly listen: (() => void | Promise<void>)[] = [];
  /** Each block's first router, whose label is the block's `server` once it listens. */
  private readonly firstRouter = new Map<BuiltBlock, Router>();

  private constructor(
    private readonly env: InstanceEnv,
    readonly source: CorefileSource,
  ) {}

  /** Parses every directive of every block (no side effects), then runs every setup. */
  static async build(corefile: Corefile, source: CorefileSource, env: InstanceEnv): Promise<Instance> {
    const instance = new Instance(env, source);
    const warn = (token: Token, message: string): void => env.log.warn(`${token.file}:${token.line}: ${message}`);
    const plans = corefile.blocks.map((b) => planBlock(b, env.plugins, { warn }));
    const duplicate = duplicateKeys(corefile.blocks, plans.map(hasView))[0];
    if (duplicate) throw duplicate;
    try {
      for (let i = 0; i < plans.length; i++) await instance.setupBlock(corefile.blocks[i]!, plans[i]!);
    } catch (err) {
      await instance.stop();
      throw err;
    }
    return instance;
  }

  private async setupBlock(block: ServerBlock, planned: PlannedPlugin[]): Promise<void> {
    const zones = unique(block.keys.map((k) => k.zone));
    const ports = unique(block.keys.map((k) => k.port));
    let addresses: readonly string[] = this.env.defaultAddresses;
    let tls: ServerTls | null = null;
    let view: BlockView | null = null;
    let metadata: MetadataCollector | null = null;
    const handlers: Handler[] = [];
    const built: { block: BuiltBlock | null } = { block: null };
    const names = planned.map((p) => p.name);
    const capabilities = new CapabilityBoard();
    const label = (): string => {
      const router = built.block && this.firstRouter.get(built.block);
      return router ? router.server : serverLabel(block.keys[0]!.scheme, null, ports[0]!);
    };
    for (const p of planned) {
      const log = this.env.log.child(`plugin/${p.name}`);
      const ctx: SetupContext = {
        zones,
        port: ports[0]!,
        get server() {
          return label();
        },
        plugins: names,
        registry: this.env.registry,
        log,
        corefile: this.source,
        outbound: this.env.outbound,
        udp: this.env.udp,
        workers: this.env.workers,
        status: this.env.status,
        warn: (token, message) => this.env.log.warn(`${token.file}:${token.line}: ${message}`),
        onStartup: (hook) => this.startup.push(hook),
        onListen: (hook) => this.listen.push(hook),
        onShutdown: (hook) => this.shutdown.push(hook),
        onFinalShutdown: (hook) => this.finalShutdown.push(hook),
        registerReady: (name, check) => this.board.registerReady(name, check),
        registerHealth: (name, check) => this.board.registerHealth(name, check),
        bind: (list) => {
          addresses = [...list];
        },
        view: (v, at) => {
          if (view) once(p.name, at, `this server block already has the view "${view.name}"`);
          view = v;
        },
        collectMetadata: (collect, at) => {
          if (metadata) once(p.name, at, 'this server block already collects metadata');
          metadata = collect;
        },
        tls: (settings, at) => {
          const token = 'token' in at ? at.token : at;
          const fail = (message: string): never => {
            throw new CorefileError('CHAINDNS_DIRECTIVE_ARGS', token.file, token.line, `${p.name}: ${message}`);
          };
          if (!block.keys.some((k) => k.scheme !== 'dns')) fail(`only tls:// and https:// server blocks use TLS; this block has neither (keys: ${block.keys.map((k) => k.token.text).join(' ')})`);
          if (tls) fail('TLS is already set for this server block');
          tls = settings;
        },
        resolve: (qname, qtype, via) => {
          if (!built.block) throw new ChainDNSError('CHAINDNS_STATE', 'resolve() is only available once setup has finished');
          return this.env.resolve(built.block, qname, qtype, via);
        },
        shared: (key, create, dispose) => this.env.shared.acquire(this, key, create, dispose),
        listen: (server, host, port) => listenShared(server, host, port, this.env.reusePort),
        requestReload: this.env.requestReload,
        enableDebug: () => {
          this.debug = true;
          this.env.enableDebug();
        },
        fatal: (error) => {
          log.fatal(error.message);
          this.env.fatal(error);
        },
        offer: (capability, value) => capabilities.offer(p.name, capability, value),
        need: (directive, capability, at) => capabilities.need(p.name, directive, capability, at),
        needAll: (capability) => capabilities.needAll(p.name, capability),
      };
      const handler = await p.definition.setup(p.config, ctx);
      if (handler) handlers.push(handler);
    }
    capabilities.settle(names);
    const chain = compose(handlers);
    const anyClass = planned.some((p) => p.definition.anyClass === true);
    const plain = block.keys.find((k) => k.scheme === 'tls' && !tls);
    if (plain) throw new CorefileError('CHAINDNS_COREFILE_SYNTAX', plain.token.file, plain.token.line, `key "${plain.token.text}": DNS over TLS needs a certificate: add the tls directive to the block`);
    built.block = { zones, ports, addresses, tls, chain, route: { chain, owner: this.inflight, anyClass, view, metadata }, handlers, source: block };
    this.blocks.push(built.block);
  }

  /**
   * The routers this generation's listeners need, by listener key
   * (`scheme|address|port`). Two blocks without a view claiming one zone on
   * one listener is an error (blocks with views share it: the first whose
   * view accepts a query serves it), and so are two blocks of one `tls://`
   * or `https://` listener with different TLS.
   */
  routers(): Map<string, Router> {
    const out = new Map<string, Router>();
    for (const block of this.blocks) {
      for (const key of block.source.keys) {
        const port = key.port;
        for (const address of block.addresses) {
          const id = listenerKey(key.scheme, address, port);
          let router = out.get(id);
          if (!router) {
            out.set(id, (router = new Router(key.scheme, block.addresses === this.env.defaultAddresses ? null : address, port, address)));
            router.tls = block.tls;
          } else if (key.scheme !== 'dns') {
            router.tls = shareTls(router, block, key);
          }
          if (block.route.view === null && router.hasUnfiltered(key.zone)) {
            throw new CorefileError('CHAINDNS_DUPLICATE_KEY', key.token.file, key.token.line, `zone ${key.zone} on port ${port} is served by two blocks`);
          }
          router.add(key.zone, block.route);
          if (!this.firstRouter.has(block)) this.firstRouter.set(block, router);
        }
      }
    }
    return out;
  }

  async runStartup(): Promise<void> {
    for (const hook of this.startup) {
      try {
        await hook();
      } catch (err) {
        throw new ChainDNSError('CHAINDNS_STARTUP', `startup failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
  }

  /** The listen hooks, not awaited: this generation now serves. */
  runListen(): void {
    const failed = (err: unknown): void => this.env.log.error(`listen hook failed: ${err instanceof Error ? err.message : String(err)}`);
    for (const hook of this.listen) {
      try {
        Promise.resolve(hook()).catch(failed);
      } catch (err) {
        failed(err);
      }
    }
  }

  /** The lameduck hooks, all at once. */
  async runFinalShutdown(): Promise<void> {
    await Promise.allSettled(this.finalShutdown.map((hook) => hook()));
  }

  /** Shutdown hooks in reverse, then releases shared resources this generation held. */
  async stop(): Promise<void> {
    for (const hook of [...this.shutdown].reverse()) {
      try {
        await hook();
      } catch (err) {
        this.env.log.error(`shutdown hook failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await this.env.shared.release(this);
  }
}

/** A setup-time hook a block takes once: a second call is the Corefile's error, at the directive. */
function once(plugin: string, at: Token | { readonly token: Token }, message: string): never {
  const token = 'token' in at ? at.token : at;
  throw new CorefileError('CHAINDNS_DIRECTIVE_ARGS', token.file, token.line, `${plugin}: ${message}`);
}

export function listenerKey(scheme: Scheme, address: string, port: number): string {
  return `${scheme}|${address}|${port}`;
}

/**
 * The TLS of a listener that `block` shares with the blocks before it: the
 * same, else an error at `key`. Their key logs all get the listener's lines.
 */
function shareTls(router: Router, block: BuiltBlock, key: ServerKey): ServerTls | null {
  const [had, has] = [router.tls, block.tls];
  if (!had && !has) return null;
  if (!had || !has || !sameTls(had, has)) {
    throw new CorefileError('CHAINDNS_COREFILE_SYNTAX', key.token.file, key.token.line, `key "${key.token.text}": the blocks served on ${router.server} must have the same tls certificate, key, CA and client_auth`);
  }
  if (!has.keylog || had.keylog === has.keylog) return had;
  const [first, second] = [had.keylog, has.keylog];
  return { ...had, keylog: first ? (line) => (first(line), second(line)) : second };
}

function unique<T>(list: readonly T[]): T[] {
  return [...new Set(list)];
}
