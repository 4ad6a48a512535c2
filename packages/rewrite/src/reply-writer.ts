import { errorReply, type Logger, Rcode, type Request, type ResponseWriter } from '@chaindns/core';
import { cnameAnswers, type Resolve } from './cname.js';
import type { EdnsOption } from './edns-options.js';
import type { QueryState } from './query-state.js';
import { clampTtls, restoreQuestion, rewriteRcode } from './reply-patch.js';
import { type OptEdits, rebuildReply, type ReplyEdits } from './reply-rebuild.js';
import type { NameRewriter, ResponseRule } from './response-rules.js';

type Of<K extends ResponseRule['kind']> = Extract<ResponseRule, { kind: K }>;

const NONE: never[] = [];
/** `list` itself, or a new list in place of the shared empty one. */
const own = <T>(list: T[]): T[] => (list === NONE ? [] : list);

/**
 * The writer the rest of the chain answers a rewritten query through (CoreDNS's
 * ResponseReverter): the client gets its own question back, and what the
 * rules asked of the reply. A reply that only needs its question's type,
 * class or letter case back, its TTLs or its rcode is patched in place;
 * names, values or EDNS0 options to change rebuild it. With a cname rule,
 * the write waits for a lookup: `pending` settles once the client's reply
 * is written.
 */
export class RewriteWriter implements ResponseWriter {
  written = false;
  pending: Promise<void> | null = null;
  // Shared empty lists until a rule of the kind applied: most queries ask one or two kinds.
  private names: NameRewriter[] = NONE;
  private values: NameRewriter[] = NONE;
  private ttls: Of<'ttl'>[] = NONE;
  rcodes: Of<'rcode'>[] = NONE;
  private reverts: Of<'edns'>[] = NONE;
  cnames: ((target: string) => string | null)[] = NONE;
  private readonly echo: EdnsOption[] | null;

  constructor(
    private readonly w: ResponseWriter,
    private readonly client: Request,
    readonly query: Request,
    q: QueryState,
    private readonly resolve: Resolve | null,
    private readonly log: Logger | null,
  ) {
    const rules = q.response ?? [];
    // Undone from the last rule that applied back to the first.
    for (let i = rules.length - 1; i >= 0; i--) {
      const r = rules[i]!;
      if (r.kind === 'name') (this.names = own(this.names)).push(r.rewrite);
      else if (r.kind === 'value') (this.values = own(this.values)).push(r.rewrite);
      else if (r.kind === 'ttl') (this.ttls = own(this.ttls)).push(r);
      else if (r.kind === 'rcode') (this.rcodes = own(this.rcodes)).push(r);
      else if (r.kind === 'edns') (this.reverts = own(this.reverts)).push(r);
      else (this.cnames = own(this.cnames)).push(r.target);
    }
    const shown = q.echo;
    this.echo = shown ? q.ednsOptions().filter((o) => shown.includes(o.code)) : null;
  }

  write(msg: Buffer): void {
    if (this.written) return;
    this.written = true;
    if (this.cnames.length > 0 && this.resolve) this.pending = this.lookupThenWrite(msg, this.resolve);
    else this.w.write(this.rewrite(msg, null));
  }

  private async lookupThenWrite(msg: Buffer, resolve: Resolve): Promise<void> {
    let answers: ReplyEdits['answers'] = null;
    try {
      answers = await cnameAnswers(msg, this.cnames, this.query.qtype, resolve);
    } catch (err) {
      this.log?.error(`upstream lookup failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.w.write(this.rewrite(msg, answers));
  }

  private rewrite(msg: Buffer, answers: ReplyEdits['answers']): Buffer {
    const question = this.client.msg.subarray(12, this.client.questionEnd);
    const opt: OptEdits | null = this.echo || this.reverts.length > 0 ? { echo: this.echo, reverts: this.reverts, client: this.client.edns } : null;
    let out: Buffer | null = msg;
    const rebuild = answers !== null || opt !== null || this.names.length > 0 || this.values.length > 0;
    if (rebuild || (this.query !== this.client && !restoreQuestion(msg, question))) {
      out = rebuildReply(msg, { question, names: this.names, values: this.values, ttls: this.ttls, opt, answers });
    } else if (this.ttls.length > 0 && !clampTtls(msg, this.ttls)) {
      out = null;
    }
    if (!out) return errorReply(this.client.msg, this.client.questionEnd, Rcode.SERVFAIL, this.client.edns);
    if (this.rcodes.length > 0) rewriteRcode(out, this.rcodes);
    return out;
  }
}
