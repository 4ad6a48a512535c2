/** Test doubles for the cache's handler tests: a fake rest-of-chain, a clock, queries. */
import { buildQuery, EndpointSet, type Next, parseCorefile, parseRequest, reply, type ReplyOptions, Request, type Result } from '@chaindns/core';
import { Recorder } from '@chaindns/core/testing';
import { Cache, parseCache } from '../src/index.js';

export type Answer = ReplyOptions | ((req: Request) => Buffer | null);

/** The rest of a chain: answers with `answer` (null writes nothing), counting calls; optionally held until released. */
export class FakeChain {
  readonly calls: Request[] = [];
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  /** What to return when nothing is written. */
  rcode = 2;
  throws: Error | null = null;

  constructor(public answer: Answer | null) {}

  /** Holds every call until release(). */
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = null;
  }

  readonly next: Next = (req, w): Result => {
    this.calls.push(req);
    const respond = (): number => {
      if (this.throws) throw this.throws;
      const a = this.answer;
      const msg = a === null ? null : typeof a === 'function' ? a(req) : reply(req, a);
      if (!msg) return this.rcode;
      w.write(msg);
      return msg[3]! & 0x0f;
    };
    const gate = this.gate;
    return gate ? gate.then(respond) : respond();
  };
}

export class Clock {
  t = 1_700_000_000_000;
  readonly now = (): number => this.t;
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

/** A cache from the text of a `cache` directive (`cache 30 { ... }`), in a `.` block, in a server whose outbound sockets are `outbound`. */
export function makeCache(directive: string, clock: Clock, zones: readonly string[] = ['.'], outbound = new EndpointSet()): Cache {
  const d = parseCorefile(`. {\n ${directive}\n}`).blocks[0]!.directives[0]!;
  return new Cache(parseCache(d, zones), { now: clock.now, staleAnswerTimeoutMs: 50, outbound });
}

export interface QueryOptions {
  readonly id?: number;
  readonly edns?: { udpSize: number; do?: boolean };
  readonly cd?: boolean;
  readonly ad?: boolean;
  readonly qclass?: number;
  readonly transport?: 'udp' | 'tcp';
  /** Where it comes from; default 127.0.0.1:40000. */
  readonly remote?: { address: string; port: number };
}

/** A parsed query, with header bits and class patched as asked. */
export function query(name: string, qtype: number, options: QueryOptions = {}): Request {
  const msg = buildQuery(name, qtype, { id: options.id ?? 1, ...(options.edns ? { edns: options.edns } : {}) });
  if (options.cd) msg[3] = msg[3]! | 0x10;
  if (options.ad) msg[3] = msg[3]! | 0x20;
  if (options.qclass !== undefined) {
    const end = msg.length - (options.edns ? 11 : 0);
    msg.writeUInt16BE(options.qclass, end - 2);
  }
  const req = parseRequest(msg, options.transport ?? 'udp', { address: '127.0.0.1', port: 40000, ...options.remote, family: 4 });
  if (!(req instanceof Request)) throw new Error(`query ${name} does not parse`);
  req.server = 'dns://:53';
  return req;
}

/** Runs the cache on one query; the result is the handler's own (a number for a hit). */
export function ask(cache: Cache, chain: FakeChain, req: Request): { result: Result; recorder: Recorder } {
  const recorder = new Recorder();
  return { result: cache.serveDNS(req, recorder, chain.next), recorder };
}

/** The TTLs of a reply's answer records. */
export function answerTtls(recorder: Recorder): number[] {
  return (recorder.packet().answers ?? []).map((a) => ('ttl' in a ? (a.ttl ?? -1) : -1));
}
