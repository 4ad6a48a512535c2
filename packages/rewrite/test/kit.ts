/** Helpers shared by the in-process tests: a handler from Corefile lines, queries with options, a recording backend. */
import { type Answer, buildQuery, findOpt, type Handler, type Next, parseCorefile, parseRequest, type Remote, reply, Request, type ResponseWriter, type Transport } from '@chaindns/core';
import { Recorder, rr } from '@chaindns/core/testing';
import { readOptions } from '../src/edns-options.js';
import { createRewrite, type Resolve, rewrite } from '../src/index.js';

/** The rewrite handler of `rewrite` lines (each a directive, in order). */
export function rewriteOf(lines: string, resolve?: Resolve): Handler {
  const directives = parseCorefile(`. {\n${lines}\n}`).blocks[0]!.directives;
  const config = rewrite.combine!(directives.map((d) => rewrite.parse(d, { zones: ['.'], port: 53, warn: () => {} })));
  return createRewrite({ rules: config.rules, ...(resolve ? { resolve } : {}) });
}

/** CoreDNS's test.ResponseWriter: the client is 10.240.0.1:40212, the server 127.0.0.1:53. */
export const CLIENT: Remote = { address: '10.240.0.1', port: 40212, family: 4 };
export const CLIENT6: Remote = { address: 'fe80::42:ff:feca:4c65', port: 40212, family: 6 };

export interface QuerySpec {
  readonly qclass?: number;
  /** Adds an OPT (size 4096) holding these options. */
  readonly options?: readonly { code: number; data: Uint8Array }[];
  readonly edns?: boolean;
  readonly remote?: Remote;
  readonly transport?: Transport;
}

/** A query as a client sends it: its name as written (letter case kept). */
export function ask(name: string, qtype: number, spec: QuerySpec = {}): Request {
  const edns = spec.edns || spec.options !== undefined;
  let msg = buildQuery(name, qtype, edns ? { edns: { udpSize: 4096 } } : {});
  if (spec.qclass !== undefined) msg.writeUInt16BE(spec.qclass, msg.length - (edns ? 11 : 0) - 2);
  if (spec.options?.length) {
    const data = Buffer.concat(spec.options.map((o) => Buffer.concat([Buffer.from([o.code >> 8, o.code & 0xff, o.data.length >> 8, o.data.length & 0xff]), o.data])));
    msg.writeUInt16BE(data.length, msg.length - 2);
    msg = Buffer.concat([msg, data]);
  }
  const req = parseRequest(msg, spec.transport ?? 'udp', spec.remote ?? CLIENT);
  if (!(req instanceof Request)) throw new Error(`ask: ${name} does not parse`);
  req.server = 'dns://127.0.0.1:53';
  return req;
}

/**
 * A backend like CoreDNS's msgPrinter: answers with `records` (presentation
 * text, or built from the query it saw), else an A record for the name it
 * was asked; notes every query it saw.
 */
export function backend(records?: (req: Request) => { answers?: string[]; extra?: string[]; rcode?: number; raw?: Answer[] }): { next: Next; seen: Request[] } {
  const seen: Request[] = [];
  const next: Next = (req, w) => {
    seen.push(req);
    const r = records?.(req) ?? { answers: [`${req.qnameRaw} 5 IN A 10.0.0.1`] };
    w.write(reply(req, { rcode: r.rcode ?? 0, answers: [...(r.answers ?? []).map(rr), ...(r.raw ?? [])], additionals: (r.extra ?? []).map(rr) }));
    return 0;
  };
  return { next, seen };
}

/** Runs `handler` on `req` with a Recorder; the rcode and what was written. */
export async function serve(handler: Handler, req: Request, next: Next): Promise<{ rcode: number; recorder: Recorder }> {
  const recorder = new Recorder();
  const rcode = await handler.serveDNS(req, recorder as ResponseWriter, next);
  return { rcode, recorder };
}

/** The EDNS0 options of a message's OPT, as [code, hex data] pairs; null without an OPT. */
export function optionsOf(msg: Buffer): [number, string][] | null {
  const opt = findOpt(msg);
  return opt < 0 ? null : readOptions(msg, opt).map((o) => [o.code, Buffer.from(o.data).toString('hex')]);
}
