import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type LabelSelector, matchesLabels, parseLabelSelector } from '../label-selector.js';
import type { RawObject } from '../objects.js';
import { PROTOBUF_MEDIA_TYPE } from '../protobuf.js';
import { type FieldSelector, matchesFields, parseFieldSelector } from './field-selector.js';
import { type Encoding, jsonListPieces, negotiate, replyIn, writeInPieces } from './replies.js';
import { encodeObject, listPieces } from './protobuf.js';

export interface FakeApiServerOptions {
  /** Port on 127.0.0.1; default 0 (a free one, kept across stop/start). */
  readonly port?: number;
  /** Serve HTTPS with this key and certificate. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** When set, every request needs `Authorization: Bearer <token>` (401 otherwise). */
  readonly token?: string;
  /**
   * How a watch from a compacted resourceVersion fails: an ERROR event
   * carrying a 410 Status on a 200 stream (what the API server does), or an
   * HTTP 410 response. Default 'event'.
   */
  readonly goneAs?: 'event' | 'http';
  /** How often watches that allow bookmarks get one. Default 1000 ms. */
  readonly bookmarkIntervalMs?: number;
  /**
   * Lists and errors in Protocol Buffers for a request whose Accept header
   * names them before JSON, as the API server answers for built-in kinds
   * (watches stay JSON). false: JSON only, as for a kind that has none (a
   * request that accepts nothing else gets 406). Default true.
   */
  readonly protobuf?: boolean;
  /**
   * A list at resourceVersion=0 is answered whole, whatever its limit, as
   * kube-apiserver's watch cache answers it. false: paged like any other, as
   * a server run with --watch-cache=false answers. Default true.
   */
  readonly watchCache?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The Accept header ('' when none). */
  readonly accept: string;
}

interface ResourceType {
  readonly plural: string;
  readonly kind: string;
  readonly apiVersion: string;
  readonly prefix: string;
  readonly namespaced: boolean;
}

const TYPES: readonly ResourceType[] = [
  { plural: 'services', kind: 'Service', apiVersion: 'v1', prefix: '/api/v1', namespaced: true },
  { plural: 'pods', kind: 'Pod', apiVersion: 'v1', prefix: '/api/v1', namespaced: true },
  { plural: 'namespaces', kind: 'Namespace', apiVersion: 'v1', prefix: '/api/v1', namespaced: false },
  { plural: 'endpointslices', kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', prefix: '/apis/discovery.k8s.io/v1', namespaced: true },
];

interface StoredEvent {
  readonly rv: number;
  readonly kind: string;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly obj: RawObject;
  readonly prev: RawObject | null;
}

/** What a list or watch asks for: a namespace (or all), a label selector and a field selector. */
interface Scope {
  readonly namespace: string | null;
  readonly labels: LabelSelector | null;
  readonly fields: FieldSelector | null;
}

function inScope(scope: Scope, o: RawObject | null): boolean {
  return !!o && (scope.namespace === null || o.metadata?.namespace === scope.namespace) && matchesLabels(scope.labels, o.metadata?.labels) && matchesFields(scope.fields, o);
}

interface Watcher {
  readonly type: ResourceType;
  readonly scope: Scope;
  readonly res: ServerResponse;
  readonly timers: NodeJS.Timeout[];
}

/**
 * A stand-in Kubernetes API server on 127.0.0.1 that speaks the real wire
 * protocol for Services, EndpointSlices, Namespaces and Pods: JSON lists
 * with metadata.resourceVersion (paged with limit/continue; resourceVersion=0
 * in one page, as kube-apiserver's watch cache answers it), `?watch=true`
 * streams of newline-delimited ADDED/MODIFIED/DELETED/BOOKMARK events that
 * resume from a resourceVersion, 410 Gone for compacted ones, and label
 * and field selectors. Tests change objects live, drop watches, compact history, and
 * make the server go away and come back.
 */
export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly objects = new Map<string, Map<string, RawObject>>();
  private history: StoredEvent[] = [];
  private rv = 1000;
  /** resourceVersions below this were compacted away. */
  private oldest = 1000;
  private readonly watchers = new Set<Watcher>();
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private boundPort: number;
  private token: string | null;
  private connections = 0;

  constructor(private readonly options: FakeApiServerOptions = {}) {
    this.boundPort = options.port ?? 0;
    this.token = options.token ?? null;
    for (const t of TYPES) this.objects.set(t.kind, new Map());
  }

  get port(): number {
    return this.boundPort;
  }
  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.boundPort}`;
  }
  get resourceVersion(): string {
    return String(this.rv);
  }
  /** TCP connections accepted since the first start. */
  get connectionCount(): number {
    return this.connections;
  }
  /** Watch streams open now. */
  get watchCount(): number {
    return this.watchers.size;
  }

  /** Listens (again, on the same port after a stop). */
  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.handle(req, res);
    const server = this.options.tls ? process.getBuiltinModule('node:https').createServer({ key: this.options.tls.key, cert: this.options.tls.cert }, handler) : process.getBuiltinModule('node:http').createServer(handler);
    server.on('connection', (socket: Socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => resolve());
    });
    this.boundPort = (server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  /** From now on every request needs `Authorization: Bearer <token>`, as after a service-account token rotation (null: none). */
  requireToken(token: string | null): void {
    this.token = token;
  }

  /** Goes away: closes the listener and every connection. The objects stay for `start()`. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.dropWatches();
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Ends every open watch stream cleanly; clients resume from their last resourceVersion. */
  dropWatches(): void {
    for (const w of [...this.watchers]) this.endWatch(w);
  }

  /**
   * Forgets the event history: a watch resuming from an older
   * resourceVersion gets 410 Gone. With `expireWatches`, open watches also
   * get the 410 ERROR event and are closed, so every client relists.
   */
  compact(options: { expireWatches?: boolean } = {}): void {
    // Like etcd compaction: the current resourceVersion stays watchable, older ones are gone.
    this.oldest = this.rv;
    this.history = [];
    if (!options.expireWatches) return;
    for (const w of [...this.watchers]) {
      send(w.res, { type: 'ERROR', object: goneStatus(`too old resource version: ${this.rv}`) });
      this.endWatch(w);
    }
  }

  /** Creates or replaces objects (by kind, namespace and name); returns them as stored. */
  apply(...objects: RawObject[]): RawObject[] {
    return objects.map((o) => {
      const type = typeOf(o.kind);
      const ns = type.namespaced ? o.metadata?.namespace || 'default' : undefined;
      const key = keyOf(ns, o.metadata?.name);
      const prev = this.objects.get(type.kind)!.get(key) ?? null;
      const stored: RawObject = { ...o, apiVersion: type.apiVersion, kind: type.kind, metadata: { ...o.metadata, ...(ns ? { namespace: ns } : {}), resourceVersion: String(++this.rv) } };
      this.objects.get(type.kind)!.set(key, stored);
      this.publish({ rv: this.rv, kind: type.kind, type: prev ? 'MODIFIED' : 'ADDED', obj: stored, prev });
      return stored;
    });
  }

  /** Deletes an object; true when it existed. */
  delete(kind: string, namespace: string | null, name: string): boolean {
    const type = typeOf(kind);
    const key = keyOf(type.namespaced ? namespace || 'default' : undefined, name);
    const prev = this.objects.get(type.kind)!.get(key);
    if (!prev) return false;
    this.objects.get(type.kind)!.delete(key);
    const obj = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(++this.rv) } };
    this.publish({ rv: this.rv, kind: type.kind, type: 'DELETED', obj, prev });
    return true;
  }

  /**
   * Encodes every object in Protocol Buffers now (each is encoded once, at
   * its first list): a bench that times a list then times the plugin, not
   * the stand-in's first encoding.
   */
  encodeAll(): void {
    for (const [kind, objects] of this.objects) for (const o of objects.values()) encodeObject(kind, o);
  }

  get(kind: string, namespace: string | null, name: string): RawObject | undefined {
    const type = typeOf(kind);
    return this.objects.get(type.kind)!.get(keyOf(type.namespaced ? namespace || 'default' : undefined, name));
  }

  private publish(event: StoredEvent): void {
    this.history.push(event);
    for (const w of this.watchers) if (w.type.kind === event.kind) this.deliver(w, event);
  }

  /** Sends an event as the watcher sees it: objects entering or leaving its selectors are ADDED or DELETED. */
  private deliver(w: Watcher, e: StoredEvent): void {
    const now = e.type !== 'DELETED' && inScope(w.scope, e.obj);
    const before = e.type !== 'ADDED' && inScope(w.scope, e.prev);
    if (e.type === 'DELETED') {
      if (before) send(w.res, { type: 'DELETED', object: e.obj });
    } else if (now && before) send(w.res, { type: 'MODIFIED', object: e.obj });
    else if (now) send(w.res, { type: 'ADDED', object: e.obj });
    else if (before) send(w.res, { type: 'DELETED', object: e.obj });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const accept = req.headers.accept ?? '';
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, accept });
    const encoding = negotiate(accept, this.options.protobuf !== false);
    const reply = (code: number, body: Record<string, unknown>): void => replyIn(encoding ?? 'json', res, code, body);
    // As the API server's filters: authentication first, then what the handler can write.
    if (this.token && req.headers.authorization !== `Bearer ${this.token}`) {
      return reply(401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    if (encoding === null) return reply(406, status(406, 'NotAcceptable', 'only the following media types are accepted: application/json'));
    if (url.pathname === '/version') return replyIn('json', res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0' });
    const route = this.route(url.pathname);
    if (!route || req.method !== 'GET') return reply(404, status(404, 'NotFound', `the server could not find the requested resource`));
    const labelText = url.searchParams.get('labelSelector');
    const fieldText = url.searchParams.get('fieldSelector');
    let scope: Scope;
    try {
      const labels = labelText ? parseLabelSelector(labelText) : null;
      scope = { namespace: route.namespace, labels, fields: fieldText ? parseFieldSelector(fieldText, route.type.kind) : null };
    } catch (err) {
      return reply(400, status(400, 'BadRequest', `unable to parse requirement: ${(err as Error).message}`));
    }
    const watch = url.searchParams.get('watch');
    if (watch === 'true' || watch === '1') return this.watch(route.type, scope, url.searchParams, res);
    const rvParam = url.searchParams.get('resourceVersion');
    if (rvParam && rvParam !== '0' && Number(rvParam) < this.oldest) return reply(410, goneStatus(`too old resource version: ${rvParam} (${this.rv})`));
    return this.list(route.type, scope, url.searchParams, res, encoding);
  }

  private route(path: string): { type: ResourceType; namespace: string | null } | null {
    for (const type of TYPES) {
      if (path === `${type.prefix}/${type.plural}`) return { type, namespace: null };
      const m = new RegExp(`^${type.prefix}/namespaces/([^/]+)/${type.plural}$`).exec(path);
      if (m && type.namespaced) return { type, namespace: decodeURIComponent(m[1]!) };
    }
    return null;
  }

  private readonly snapshots = new Map<string, { rv: number; items: RawObject[] }>();

  private list(type: ResourceType, scope: Scope, query: URLSearchParams, res: ServerResponse, encoding: Encoding): void {
    const token = query.get('continue');
    if (token && query.get('resourceVersion')) return replyIn(encoding, res, 400, status(400, 'BadRequest', 'specifying resource version is not allowed when using continue'));
    let snapshot: { rv: number; items: RawObject[] };
    if (token) {
      const known = this.snapshots.get(token);
      if (!known || known.rv < this.oldest) return replyIn(encoding, res, 410, goneStatus('The provided continue parameter is too old to display a consistent list result.'));
      snapshot = known;
      this.snapshots.delete(token);
    } else {
      const items = [...this.objects.get(type.kind)!.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, o]) => o)
        .filter((o) => inScope(scope, o));
      snapshot = { rv: this.rv, items };
    }
    // resourceVersion "0" (any) comes from the watch cache, which ignores the limit.
    const limit = query.get('resourceVersion') === '0' && this.options.watchCache !== false ? 0 : Number(query.get('limit') ?? 0);
    const page = limit > 0 ? snapshot.items.slice(0, limit) : snapshot.items;
    const rest = limit > 0 ? snapshot.items.slice(limit) : [];
    const metadata: Record<string, string> = { resourceVersion: String(snapshot.rv) };
    if (rest.length > 0) {
      const next = `${snapshot.rv}-${this.snapshots.size}-${Math.random().toString(36).slice(2)}`;
      this.snapshots.set(next, { rv: snapshot.rv, items: rest });
      metadata.continue = next;
    }
    if (encoding === 'protobuf') {
      res.writeHead(200, { 'Content-Type': PROTOBUF_MEDIA_TYPE });
      // In pieces, the event loop free between them, as a real API server serves lists at once: one list does not
      // wait for another's last byte (written whole, a large one held the others back for 100-200 ms). JSON too, below.
      writeInPieces(res, listPieces(type.apiVersion, `${type.kind}List`, metadata, page.map((o) => encodeObject(type.kind, o))));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    writeInPieces(res, jsonListPieces({ kind: `${type.kind}List`, apiVersion: type.apiVersion, metadata }, page.map(({ kind: _k, apiVersion: _a, ...item }) => item)));
  }

  private watch(type: ResourceType, scope: Scope, query: URLSearchParams, res: ServerResponse): void {
    const from = query.get('resourceVersion') ?? '';
    const fresh = from === '' || from === '0';
    if (!fresh && Number(from) < this.oldest) {
      const gone = goneStatus(`too old resource version: ${from} (${this.rv})`);
      if (this.options.goneAs === 'http') return replyIn('json', res, 410, gone);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      send(res, { type: 'ERROR', object: gone });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    // The status line goes out now, as the API server's does, not with the first event.
    res.flushHeaders();
    const w: Watcher = { type, scope, res, timers: [] };
    if (fresh) {
      for (const obj of this.objects.get(type.kind)!.values()) this.deliver(w, { rv: this.rv, kind: type.kind, type: 'ADDED', obj, prev: null });
    } else {
      for (const e of this.history) if (e.kind === type.kind && e.rv > Number(from)) this.deliver(w, e);
    }
    this.watchers.add(w);
    res.on('close', () => this.endWatch(w));
    const timeout = Number(query.get('timeoutSeconds') ?? 0);
    if (timeout > 0) w.timers.push(setTimeout(() => this.endWatch(w), timeout * 1000));
    if (query.get('allowWatchBookmarks') === 'true') {
      w.timers.push(
        setInterval(() => send(res, { type: 'BOOKMARK', object: { kind: type.kind, apiVersion: type.apiVersion, metadata: { resourceVersion: String(this.rv) } } }), this.options.bookmarkIntervalMs ?? 1000),
      );
    }
  }

  private endWatch(w: Watcher): void {
    if (!this.watchers.delete(w)) return;
    for (const t of w.timers) clearTimeout(t);
    if (!w.res.writableEnded) w.res.end();
  }
}

/** Starts a stand-in API server; stop it in `after()`. */
export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  return new FakeApiServer(options).start();
}

function typeOf(kind: string | undefined): ResourceType {
  const type = TYPES.find((t) => t.kind === kind);
  if (!type) throw new Error(`FakeApiServer: unsupported kind ${kind}; expected one of ${TYPES.map((t) => t.kind).join(', ')}`);
  return type;
}

function keyOf(namespace: string | undefined, name: string | undefined): string {
  if (!name) throw new Error('FakeApiServer: object without metadata.name');
  return `${namespace ?? ''}/${name}`;
}

function send(res: ServerResponse, event: unknown): void {
  if (!res.writableEnded) res.write(`${JSON.stringify(event)}\n`);
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function goneStatus(message: string): Record<string, unknown> {
  return status(410, 'Expired', message);
}
