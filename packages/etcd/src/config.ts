import { configError, type Directive, eachSubdirective, expectArgs, expectNoBlock, type ParseContext, parseDuration, parseFallthrough, parseZones, type Token } from '@chaindns/core';
import { basePath } from './path.js';

/** The TLS files of `tls [CERT KEY] [CACERT]`, as written. */
export interface TlsFiles {
  readonly cert: string | null;
  readonly key: string | null;
  /** null: the system's CAs. */
  readonly ca: string | null;
  readonly at: Token;
}

export interface EtcdConfig {
  /** The zones it is authoritative for: its arguments, else the server block's. */
  readonly zones: readonly string[];
  /** `fallthrough` zones, null when it is not given. */
  readonly fallthrough: readonly string[] | null;
  /** The `path`, cleaned: `/skydns`. */
  readonly base: string;
  readonly endpoints: readonly string[];
  /** TLS towards etcd: from `tls`, or the system's CAs for https:// endpoints; null for plain HTTP/2. */
  readonly tls: TlsFiles | null;
  readonly credentials: { readonly username: string; readonly password: string } | null;
  /** Seconds. */
  readonly minLeaseTtl: number;
  readonly maxLeaseTtl: number;
}

const DEFAULT_ENDPOINT = 'http://localhost:2379';
const DEFAULT_MIN_LEASE_TTL = 30;
const DEFAULT_MAX_LEASE_TTL = 86400;

/** An etcd endpoint: `http://host:port`, `https://host:port` or `host:port`. */
const ENDPOINT = /^(?:(https?):\/\/)?(\[[0-9a-fA-F:.]+\]|[^\s/:[\]]+)(?::(\d{1,5}))?\/?$/;

/** CoreDNS's parseTTL: seconds, bare or as a Go duration (`30`, `5m`, `2h30m`), within 32 bits. */
function leaseTtl(sub: Directive): number {
  const token = expectArgs(sub, 1, 1)[0]!;
  const seconds = Math.floor(parseDuration(token, { bareSeconds: true }) / 1000);
  if (seconds > 0xffffffff) configError(token, `etcd: ${sub.name}: TTL too large, maximum is 4294967295 seconds`);
  return seconds;
}

/**
 * `etcd [ZONES...] { fallthrough [ZONES...]; path PATH; endpoint ENDPOINT...;
 * credentials USERNAME PASSWORD; tls [CERT KEY] [CACERT]; min-lease-ttl TTL;
 * max-lease-ttl TTL }`.
 */
export function parseEtcd(d: Directive, ctx: ParseContext): EtcdConfig {
  const zones = parseZones(d.args, ctx.zones);
  // Set from the handlers below (typed wide: TypeScript would narrow a plain `= null` for good).
  let fallthrough = null as string[] | null;
  let base = basePath('skydns');
  let endpoints = null as readonly Token[] | null;
  let tlsArgs = null as readonly Token[] | null;
  let tlsAt: Token = d.token;
  let credentials = null as EtcdConfig['credentials'];
  let minLeaseTtl = DEFAULT_MIN_LEASE_TTL;
  let maxLeaseTtl = DEFAULT_MAX_LEASE_TTL;
  const noBlock = (f: (sub: Directive) => void) => (sub: Directive) => {
    expectNoBlock(sub);
    f(sub);
  };
  eachSubdirective(d, {
    fallthrough: noBlock((sub) => (fallthrough = parseFallthrough(sub))),
    path: noBlock((sub) => (base = basePath(expectArgs(sub, 1, 1)[0]!.text))),
    endpoint: noBlock((sub) => (endpoints = expectArgs(sub, 1))),
    credentials: noBlock((sub) => {
      const args = expectArgs(sub, 1);
      if (args.length !== 2) configError(sub, 'etcd: credentials requires 2 arguments, username and password');
      credentials = { username: args[0]!.text, password: args[1]!.text };
    }),
    tls: noBlock((sub) => {
      tlsArgs = expectArgs(sub, 0, 3);
      tlsAt = sub.token;
    }),
    // CoreDNS takes 0 as its default.
    'min-lease-ttl': noBlock((sub) => (minLeaseTtl = leaseTtl(sub) || DEFAULT_MIN_LEASE_TTL)),
    'max-lease-ttl': noBlock((sub) => (maxLeaseTtl = leaseTtl(sub) || DEFAULT_MAX_LEASE_TTL)),
    stubzones: (sub) => configError(sub, 'etcd: stubzones is gone: CoreDNS dropped stub zones (1.14 still reads the word and ignores it); forward each stub zone to its servers with forward in a server block of its own'),
    debug: (sub) => ctx.warn(sub.token, 'etcd: debug does nothing (as in CoreDNS) and is ignored'),
    upstream: (sub) => ctx.warn(sub.token, 'etcd: upstream is no longer supported and is ignored: CNAME targets are resolved through this server'),
  });
  const urls = (endpoints ?? []).map((t) => {
    const m = ENDPOINT.exec(t.text);
    if (!m) configError(t, `etcd: endpoint "${t.text}" is not an etcd URL (http://HOST:PORT, https://HOST:PORT or HOST:PORT)`);
    return { token: t, text: t.text.replace(/\/$/, ''), scheme: m[1] ?? null };
  });
  const list = urls.length > 0 ? urls : [{ token: d.token, text: DEFAULT_ENDPOINT, scheme: 'http' }];
  // As etcd's Go client: https:// always speaks TLS, http:// never, a bare HOST:PORT when `tls` is given.
  const secure = list.map((u) => u.scheme === 'https' || (u.scheme === null && tlsArgs !== null));
  if (secure.some((s) => s !== secure[0])) configError(list[secure.indexOf(!secure[0])]!.token, 'etcd: endpoint: the endpoints mix plain and TLS connections; write them all http:// or all https://');
  if (tlsArgs !== null && !secure[0]) ctx.warn(tlsAt, 'etcd: tls is ignored for http:// endpoints (as etcd\'s client does): write https://');
  return {
    zones,
    fallthrough,
    base,
    endpoints: list.map((u) => u.text),
    tls: secure[0] ? tlsFiles(tlsArgs ?? [], tlsAt) : null,
    credentials,
    minLeaseTtl,
    maxLeaseTtl,
  };
}

/** CoreDNS's NewTLSConfigFromArgs: no files, CACERT, CERT KEY, or CERT KEY CACERT. */
function tlsFiles(args: readonly Token[], at: Token): TlsFiles {
  const [a, b, c] = args.map((t) => t.text);
  switch (args.length) {
    case 0:
      return { cert: null, key: null, ca: null, at };
    case 1:
      return { cert: null, key: null, ca: a!, at };
    case 2:
      return { cert: a!, key: b!, ca: null, at };
    default:
      return { cert: a!, key: b!, ca: c!, at };
  }
}
