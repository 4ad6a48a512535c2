import { counts, type Handler, isSubdomain, type LineWriter, type Next, QType, Rcode, type Request, type ResponseWriter, type Result, rrType, settleNext, skipQuestions, skipRR, unwrittenRcode } from '@chaindns/core';
import { compileFormat, type LogEntry } from './format.js';

/** CoreDNS's classes of responses (plugin/pkg/response). */
export type LogClass = 'success' | 'denial' | 'error';

/** One name scope of a `log` directive. */
export interface LogRule {
  /** Lowercased FQDN: queries at or below it are logged by this rule. */
  readonly name: string;
  readonly format: string;
  /** The classes logged; empty for `all`. */
  readonly classes: readonly LogClass[];
  /** Also log, whatever their class, replies slower than this (ms); 0 for none. */
  readonly minDurationMs: number;
}

interface CompiledRule extends LogRule {
  readonly render: (e: LogEntry) => string;
}

/** Sees the reply on its way out: its flags, size and (when its rule filters on it) class. */
class LogWriter implements ResponseWriter {
  flags = -1;
  size = 0;
  cls: LogClass = 'error';

  constructor(
    private readonly w: ResponseWriter,
    private readonly req: Request,
    readonly rule: CompiledRule,
  ) {}

  write(msg: Buffer): void {
    if (this.flags < 0) {
      this.flags = (msg[2]! << 8) | msg[3]!;
      this.size = msg.length;
      if (this.rule.classes.length > 0) this.cls = classOf(msg, this.req.qtype);
    }
    this.w.write(msg);
  }
}

/**
 * The `log` handler: for the first rule whose name covers the query, times
 * the rest of the chain and queues one line per reply of a wanted class
 * (CoreDNS's log.ServeDNS). Lines are written in batches by `sink`.
 */
export function createLog(rules: readonly LogRule[], sink: LineWriter): Handler {
  const compiled: CompiledRule[] = rules.map((r) => ({ ...r, render: compileFormat(r.format) }));
  const emit = (req: Request, rcode: number, rw: LogWriter, start: number): void => {
    const rule = rw.rule;
    const seconds = (performance.now() - start) / 1000;
    const written = rw.flags >= 0;
    if (rule.classes.length > 0 && !rule.classes.includes(rw.cls) && !(rule.minDurationMs > 0 && seconds * 1000 > rule.minDurationMs)) return;
    sink.write(`[INFO] ${rule.render({ req, rcode: written ? rw.flags & 0x0f : unwrittenRcode(rcode), flags: rw.flags, rsize: rw.size, seconds })}`);
  };
  return {
    name: 'log',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      const rule = compiled.find((r) => isSubdomain(req.qname, r.name));
      if (!rule) return next(req, w);
      const start = performance.now();
      const rw = new LogWriter(w, req, rule);
      return settleNext(next, req, rw, emit, rw, start);
    },
  };
}

/**
 * The class of a reply, from its header and authority section (CoreDNS's
 * response.Typify then Classify): an answer, a delegation or a plain NOERROR
 * is success; NXDOMAIN or NODATA with an SOA is denial; anything else, and
 * notifies, updates and transfers, is error. CoreDNS's check of expired
 * RRSIGs (error when DO is set) is left out: it would decode every record.
 */
export function classOf(msg: Buffer, qtype: number): LogClass {
  const opcode = (msg[2]! >> 3) & 0x0f;
  if (opcode === 4 || opcode === 5 || qtype === QType.AXFR || qtype === QType.IXFR) return 'error';
  const rcode = msg[3]! & 0x0f;
  const [qd, an, ns] = counts(msg);
  if (an > 0 && rcode === Rcode.NOERROR) return 'success';
  let soa = false;
  let off = skipQuestions(msg, qd);
  for (let i = 0; off >= 0 && i < an + ns && !soa; i++) {
    if (i >= an) soa = rrType(msg, off) === QType.SOA;
    off = skipRR(msg, off);
  }
  if (soa && (rcode === Rcode.NOERROR || rcode === Rcode.NXDOMAIN)) return 'denial';
  // A delegation (NS in authority) and an empty NOERROR are both success.
  return rcode === Rcode.NOERROR ? 'success' : 'error';
}
