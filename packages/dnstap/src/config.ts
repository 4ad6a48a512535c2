import { configError, type Directive, eachSubdirective, expectArgs, type ParseContext, parseHostPort, parseInteger, type Token } from '@chaindns/core';
import { compileExtra } from './extra.js';

/** Where messages go (or, listening, where sinks connect): a unix socket, or TCP or TLS to HOST:PORT. */
export type Endpoint = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp' | 'tls'; readonly host: string; readonly port: number };

/** CoreDNS's bounds: the write buffer in MiB, the queue in units of 10,000 messages. */
export const MAX_WRITE_BUFFER_MIB = 1024;
export const MAX_QUEUE_MULTIPLE = 4096;
export const QUEUE_UNIT = 10_000;

/** One `dnstap` directive. */
export interface TapConfig {
  /** `dnstap listen ...`: sinks connect to chaindns. */
  readonly listen: boolean;
  readonly endpoint: Endpoint;
  /** The endpoint as written, for log lines. */
  readonly address: string;
  readonly full: boolean;
  readonly writeBufferMiB: number;
  readonly queueMultiple: number;
  /** Null: the host name. */
  readonly identity: string | null;
  /** Null: `chaindns-VERSION`. */
  readonly version: string | null;
  readonly extra: string | null;
  readonly skipVerify: boolean;
  /** A TLS listener's certificate, key and optional client CA (paths; read at setup). */
  readonly tls: { readonly cert: Token; readonly key: Token; readonly ca: Token | null } | null;
  /** The directive, for errors found at setup. */
  readonly at: Directive;
}

/** All the `dnstap` directives of a block, in Corefile order. */
export type DnstapConfig = TapConfig[];

/**
 * `dnstap SOCKET [full] [WRITEBUFFER] [QUEUE] { identity, version, extra, skipverify }` or
 * `dnstap listen SOCKET [full] { identity, version, extra, tls CERT KEY [CA], skipverify }`.
 */
export function parseTap(d: Directive, ctx: ParseContext): TapConfig {
  const args = expectArgs(d, 1);
  const listen = args[0]!.text === 'listen';
  if (listen && args.length < 2) configError(d, 'dnstap: listen needs an endpoint: dnstap listen SOCKET [full]');
  const rest = listen ? args.slice(1) : args;
  if (rest.length > (listen ? 2 : 4)) configError(rest[listen ? 2 : 4]!, listen ? 'dnstap: expected dnstap listen SOCKET [full]' : 'dnstap: expected dnstap SOCKET [full] [WRITEBUFFER] [QUEUE]');
  const socket = rest[0]!;
  const endpoint = parseEndpoint(socket, listen);
  const second = rest[1];
  if (second && second.text !== 'full') configError(second, `dnstap: expected "full" after the socket, got "${second.text}"`);
  const writeBufferMiB = rest[2] ? parseInteger(rest[2], 1, MAX_WRITE_BUFFER_MIB) : 1;
  const queueMultiple = rest[3] ? parseInteger(rest[3], 1, MAX_QUEUE_MULTIPLE) : 1;

  let identity: string | null = null;
  let version: string | null = null;
  let extra: string | null = null;
  let skipVerify = false;
  let tls: TapConfig['tls'] = null;
  const one = (s: Directive): string => expectArgs(s, 1, 1)[0]!.text;
  eachSubdirective(d, {
    identity: (s) => (identity = one(s)),
    version: (s) => (version = one(s)),
    extra: (s) => {
      const [t] = expectArgs(s, 1, 1);
      try {
        compileExtra(t!.text);
      } catch (err) {
        configError(t!, `dnstap: extra: ${(err as Error).message}`);
      }
      extra = t!.text;
    },
    skipverify: (s) => {
      expectArgs(s, 0, 0);
      if (endpoint.kind !== 'tls') ctx.warn(s.token, `dnstap: skipverify applies only to tls:// endpoints; ${socket.text} is not one`);
      skipVerify = true;
    },
    tls: (s) => {
      if (!listen) configError(s, 'dnstap: tls CERT KEY [CA] is for listeners only (dnstap listen tls://...)');
      if (endpoint.kind !== 'tls') configError(s, `dnstap: tls CERT KEY [CA] applies only to a tls:// listener; ${socket.text} is not one`);
      const [cert, key, ca] = expectArgs(s, 2, 3);
      tls = { cert: cert!, key: key!, ca: ca ?? null };
    },
  });
  if (listen && endpoint.kind === 'tls' && !tls) configError(d, 'dnstap: a tls:// listener needs its certificate: add tls CERT KEY [CA] to the block');
  return { listen, endpoint, address: socket.text, full: second !== undefined, writeBufferMiB, queueMultiple, identity, version, extra, skipVerify, tls, at: d };
}

/** `unix:///path`, a path, `tcp://HOST:PORT` or `tls://HOST:PORT` (a listener may leave HOST empty: every address). */
function parseEndpoint(t: Token, listen: boolean): Endpoint {
  const scheme = /^([a-z]+):\/\//.exec(t.text)?.[1];
  if (scheme === undefined) return { kind: 'unix', path: t.text };
  const rest = t.text.slice(scheme.length + 3);
  if (scheme === 'unix') {
    if (rest === '') configError(t, 'dnstap: unix:// needs a path, such as unix:///var/run/dnstap.sock');
    return { kind: 'unix', path: rest };
  }
  if (scheme !== 'tcp' && scheme !== 'tls') configError(t, `dnstap: unknown scheme ${scheme}://, expected unix://, tcp:// or tls://`);
  const { host, port } = parseHostPort({ ...t, text: rest }, 'dnstap', `${scheme}://127.0.0.1:6000 or ${scheme}://[::1]:6000`);
  if (!listen && host === '') configError(t, `dnstap: ${t.text} needs a host to connect to, such as ${scheme}://127.0.0.1:6000`);
  return { kind: scheme, host, port };
}
