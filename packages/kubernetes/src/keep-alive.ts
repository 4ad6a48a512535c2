import type { Agent } from 'node:http';
import type { AgentOptions, RequestOptions } from 'node:https';

// Node's CommonJS face of it: the ESM one of node:http reads every export, which loads undici, TLS and HTTP/2 (CONTRIBUTING.md).
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

/** The request options that decide a TLS connection: requests that agree on them can share one. */
const TLS_OPTIONS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

type TlsValue = string | Buffer | boolean | undefined | readonly (string | Buffer | { buf: string | Buffer })[] | { buf: string | Buffer };

/** A TLS option as text, for comparison (Buffers as their bytes). */
function text(value: TlsValue): string {
  if (value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (Array.isArray(value)) return value.map((v) => text(v as TlsValue)).join('\0');
  if (typeof value === 'object') return text((value as { buf: string | Buffer }).buf);
  return String(value);
}

/**
 * The API client's connections: one keep-alive agent, kept while the TLS
 * material client-node hands out for each request stays the same (a rotated
 * client certificate gets a new one). client-node makes a new agent for every
 * request, so every page of a list was a new connection and TLS handshake
 * (40 pages for 10,000 services and their EndpointSlices); client-go keeps its
 * connections too.
 */
export class KeepAliveAgent {
  private current: { key: string; agent: Agent } | null = null;

  /** The agent for a request with `opts` as client-node filled them, to an https server or not. */
  for(opts: RequestOptions, secure: boolean): Agent {
    const tls: AgentOptions = {};
    for (const name of TLS_OPTIONS) if (opts[name] !== undefined) Object.assign(tls, { [name]: opts[name] });
    const key = `${secure}\n${TLS_OPTIONS.map((name) => text(opts[name] as TlsValue)).join('\n')}`;
    if (this.current?.key !== key) {
      this.current?.agent.destroy();
      this.current = { key, agent: secure ? new https.Agent({ ...tls, keepAlive: true }) : new http.Agent({ keepAlive: true }) };
    }
    return this.current.agent;
  }

  /** Closes the idle connections. */
  close(): void {
    this.current?.agent.destroy();
    this.current = null;
  }
}
