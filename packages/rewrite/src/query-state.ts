import { lowerName, PluginError, Rcode, type Request } from '@chaindns/core';
import { type EdnsOption, queryOptions } from './edns-options.js';
import { encodeText } from './name-text.js';
import type { ResponseRule } from './response-rules.js';

/**
 * The question as the rules have left it so far, and what the reply will
 * need. One per handler, reset for each query: the rule loop is synchronous
 * and nothing keeps a reference to it past a query's rules.
 */
export class QueryState {
  req!: Request;
  private renamed: string | null = null;
  /** The new name's wire labels, once a rule rewrote the name (a view of `wire`). */
  nameWire: Buffer | null = null;
  private readonly wire = Buffer.allocUnsafe(256);
  qtype = 0;
  qclass = 0;
  private options: EdnsOption[] | null = null;
  /** True when an edns0 rule changed the query's options (or added an OPT to hold them). */
  optionsChanged = false;
  /** Option codes the reply shows the client as the rewritten query carried them (CoreDNS's server echoes the options it supports). */
  echo: number[] | null = null;
  /** What the rules that applied ask of the reply, in the order they applied. */
  response: ResponseRule[] | null = null;

  reset(req: Request): void {
    this.req = req;
    this.renamed = null;
    this.nameWire = null;
    this.qtype = req.qtype;
    this.qclass = req.qclass;
    this.options = null;
    this.optionsChanged = false;
    this.echo = null;
    this.response = null;
  }

  /** The name as rules match it: lowercased FQDN. */
  get name(): string {
    return this.renamed ?? this.req.qname;
  }

  /** The name as the question spells it (`{qname}`). */
  get spelled(): string {
    return this.renamed ?? this.req.qnameRaw;
  }

  /** Sets a new name; one that is not a legal domain name fails the query with SERVFAIL, as in CoreDNS. */
  rename(name: string): void {
    const len = encodeText(name, this.wire);
    if (len < 0) throw new PluginError('rewrite', Rcode.SERVFAIL, `invalid name after rewrite: ${name}`);
    this.nameWire = this.wire.subarray(0, len);
    this.renamed = lowerName(name);
  }

  /** The query's EDNS0 options as the rules have left them so far. */
  ednsOptions(): EdnsOption[] {
    return (this.options ??= queryOptions(this.req));
  }

  respond(rule: ResponseRule): void {
    (this.response ??= []).push(rule);
  }

  showInReply(code: number): void {
    if (!(this.echo ??= []).includes(code)) this.echo.push(code);
  }

  /** True when the question's name, type or class was rewritten: the client must get its own back. */
  get questionChanged(): boolean {
    return this.nameWire !== null || this.qtype !== this.req.qtype || this.qclass !== this.req.qclass;
  }

  /** True when the query to pass on differs from the client's. */
  get changed(): boolean {
    return this.questionChanged || this.optionsChanged;
  }
}
