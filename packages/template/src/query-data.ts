import { className, type Request, typeName } from '@chaindns/core';
import type { ExprValue } from '@chaindns/core/expr';

/**
 * What a template sees of a query, as CoreDNS's templateData: `.Zone`,
 * `.Name`, `.Regex`, `.Match`, `.Group`, `.Class`, `.Type`, `.Message`,
 * `.Question`, `.Remote`, `.Var` and the method `.Meta`. `.Message` and
 * `.Question` are built only when a template reads them.
 */
export class QueryData {
  private message: MessageView | undefined;
  private question: QuestionView | undefined;

  constructor(
    readonly req: Request,
    readonly Zone: string,
    readonly Regex: string,
    readonly Match: readonly string[],
    readonly Group: ReadonlyMap<string, string>,
    readonly Class: string,
    readonly Type: string,
    /** The template's `var`s for this query. */
    readonly Var: ReadonlyMap<string, ExprValue>,
  ) {}

  get Name(): string {
    return this.req.qname;
  }
  get Remote(): string {
    return this.req.remote.address;
  }
  get Message(): MessageView {
    return (this.message ??= messageView(this.req));
  }
  get Question(): QuestionView {
    return (this.question ??= new QuestionView(this.req.qnameRaw, this.req.qtype, this.req.qclass));
  }
  /** A metadata value (the `metadata` plugin's), "" when no plugin sets it or the block collects none. */
  Meta(name: string): string {
    return this.req.metadata?.get(name) ?? '';
  }
}

/** The question as miekg/dns's dns.Question: the name as sent, the type and class as numbers. */
export class QuestionView {
  constructor(
    readonly Name: string,
    readonly Qtype: number,
    readonly Qclass: number,
  ) {}

  /** As dns.Question's String(): `;name.<TAB>IN<TAB> A`. */
  toString(): string {
    return `;${this.Name}\t${className(this.Qclass)}\t ${typeName(this.Qtype)}`;
  }
}

/** The header of the incoming message, as dns.Msg's MsgHdr fields. */
export interface MessageView {
  readonly Id: number;
  readonly Response: boolean;
  readonly Opcode: number;
  readonly Authoritative: boolean;
  readonly Truncated: boolean;
  readonly RecursionDesired: boolean;
  readonly RecursionAvailable: boolean;
  readonly Zero: boolean;
  readonly AuthenticatedData: boolean;
  readonly CheckingDisabled: boolean;
  readonly Rcode: number;
}

function messageView(req: Request): MessageView {
  const f = req.flags;
  return {
    Id: req.id,
    Response: (f & 0x8000) !== 0,
    Opcode: (f >> 11) & 0x0f,
    Authoritative: (f & 0x0400) !== 0,
    Truncated: (f & 0x0200) !== 0,
    RecursionDesired: (f & 0x0100) !== 0,
    RecursionAvailable: (f & 0x0080) !== 0,
    Zero: (f & 0x0040) !== 0,
    AuthenticatedData: (f & 0x0020) !== 0,
    CheckingDisabled: (f & 0x0010) !== 0,
    Rcode: f & 0x0f,
  };
}
