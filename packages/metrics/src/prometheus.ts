// The module's, not the global `performance`: in Node.js 20 that is a lazy getter, run on every read.
import { performance } from 'node:perf_hooks';
import { type Handler, type Next, type Request, type ResponseWriter, type Result, settleNext, unwrittenRcode, type WrittenReply, writtenReply } from '@chaindns/core';
import type { DnsStats, Outcome } from './stats.js';

/** Sees the reply on its way out, when the writer is not the server's own (which keeps it). */
class RecordingWriter implements ResponseWriter, WrittenReply {
  rcode = -1;
  size = 0;
  plugin = '';

  constructor(
    private readonly w: ResponseWriter,
    private readonly req: Request,
  ) {}

  write(msg: Buffer): void {
    if (this.rcode < 0) {
      this.rcode = msg[3]! & 0x0f;
      this.size = msg.length;
      this.plugin = this.req.plugin;
    }
    this.w.write(msg);
  }
}

/**
 * The `prometheus` handler: times the rest of the chain and counts the query
 * and its reply in `stats` (CoreDNS's metrics.ServeDNS and vars.Report).
 */
export function createPrometheus(stats: DnsStats): Handler {
  const report = (req: Request, rcode: number, rw: WrittenReply, start: number): void => {
    const seconds = (performance.now() - start) / 1000;
    // Nothing written: the server answers with the returned rcode (or SERVFAIL), and CoreDNS reports size 0 and no plugin.
    const outcome: Outcome = rw.rcode >= 0 ? rw : { rcode: unwrittenRcode(rcode), plugin: '', size: 0 };
    stats.report(req, outcome, seconds);
  };
  return {
    name: 'prometheus',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      const start = performance.now();
      // The server's own writer keeps what it sent; any other is wrapped to see the reply.
      const seen = writtenReply(w) ?? new RecordingWriter(w, req);
      return settleNext(next, req, seen instanceof RecordingWriter ? seen : w, report, seen, start);
    },
  };
}
