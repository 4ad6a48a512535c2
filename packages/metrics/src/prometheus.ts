// The module's, not the global `performance`: in Node.js 20 that is a lazy getter, run on every read.
import { performance } from 'node:perf_hooks';
import { atBatchEnd, type BatchEnd, type Buckets, clockNow, type Handler, type Next, type Request, type ResponseWriter, type Result, settleNext, unwrittenRcode, type WrittenReply, writtenReply } from '@chaindns/core';
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
 *
 * Within a batch of the native transport (core's batch clock) a duration runs
 * from the batch's start to its end, its answers sent, for a query answered
 * at once: two clock readings for the whole batch, where one a query at each
 * end cost about a sixth of an uncached answer's JavaScript. So such a query
 * counts its wait behind the batch's earlier queries, as its client did.
 * Elsewhere (an answer that awaited I/O, `dgram`, TCP) it runs from the
 * query's start (its batch's, if it came in one) to when its chain settled.
 */
export function createPrometheus(stats: DnsStats): Handler {
  // The duration histograms and start times of the `settled` queries settled in this batch, observed
  // at its end; the slots are reused (setting an array's length costs more than the rest of a batch's bookkeeping).
  const histograms: Buckets[] = [];
  const starts: number[] = [];
  let settled = 0;
  const observe: BatchEnd = (endedAt) => {
    for (let i = 0; i < settled; i++) histograms[i]!.observe((endedAt - starts[i]!) / 1000);
    settled = 0;
  };
  const report = (req: Request, rcode: number, rw: WrittenReply, start: number): void => {
    // Nothing written: the server answers with the returned rcode (or SERVFAIL), and CoreDNS reports size 0 and no plugin.
    const outcome: Outcome = rw.rcode >= 0 ? rw : { rcode: unwrittenRcode(rcode), plugin: '', size: 0 };
    const durations = stats.report(req, outcome);
    if (settled > 0 || atBatchEnd(observe)) {
      histograms[settled] = durations;
      starts[settled++] = start;
    } else {
      durations.observe((performance.now() - start) / 1000);
    }
  };
  return {
    name: 'prometheus',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      // The server's own writer keeps what it sent; any other is wrapped to see the reply.
      const seen = writtenReply(w) ?? new RecordingWriter(w, req);
      return settleNext(next, req, seen instanceof RecordingWriter ? seen : w, report, seen, clockNow());
    },
  };
}
