import { type Handler, layout, type Next, QType, type Request, type ResponseWriter, type Result, rrType } from '@chaindns/core';
import { isNoError } from './classify.js';

/**
 * The reply with its authority and additional sections dropped, the OPT
 * kept (CoreDNS's server puts it back after its minimal, ours does not), or
 * the reply itself when it is not a NoError one or does not parse.
 */
export function minimize(msg: Buffer, nowSeconds: number): Buffer {
  if (msg.length < 12 || (msg[8] === 0 && msg[9] === 0 && msg[10] === 0 && msg[11] === 0)) return msg;
  const l = layout(msg);
  if (l === null) return msg;
  let opt: Buffer | null = null;
  for (let i = l.an + l.ns; i < l.an + l.ns + l.ar; i++) {
    if (rrType(msg, l.starts[i]!) === QType.OPT) opt = msg.subarray(l.starts[i]!, l.starts[i + 1]!);
  }
  // Nothing but the OPT past the answers: nothing to drop.
  if ((l.ns === 0 && l.ar === (opt ? 1 : 0)) || !isNoError(msg, l, nowSeconds)) return msg;
  // Answers only point back into the question and answers: cutting after them keeps every name whole.
  const answersEnd = l.starts[l.an]!;
  const out = Buffer.allocUnsafe(answersEnd + (opt?.length ?? 0));
  msg.copy(out, 0, 0, answersEnd);
  opt?.copy(out, answersEnd);
  out.writeUInt32BE(opt ? 1 : 0, 8);
  return out;
}

/** Writes only the answer section (and the OPT) of positive replies that are not delegations (CoreDNS's minimal). */
export function createMinimal(options: { readonly now?: () => number } = {}): Handler {
  const now = options.now ?? (() => Date.now() / 1000);
  return {
    name: 'minimal',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      return next(req, { write: (msg) => w.write(minimize(msg, Math.floor(now()))) });
    },
  };
}
