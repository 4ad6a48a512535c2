import { atRunEnd, type Buckets, type Handler, type Next, type Request, type ResponseWriter, type Result, type RunEnd, runStartedAt, settleNext, unwrittenRcode, type WrittenReply, writtenReply } from '@chaindns/core';
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
 * A duration runs from the start of the run the query arrived in to the end
 * of the run its chain settled in (core's run clock): two clock reads for a
 * whole batch of queries answered at once, where one a query at each end cost
 * about a seventh of an uncached answer's JavaScript. So it counts the wait
 * behind the batch's earlier queries and the batch's send, which the client
 * waited for too.
 */
export function createPrometheus(stats: DnsStats): Handler {
  // The duration histograms and start times of the `settled` queries settled in this run, observed
  // at its end; the slots are reused (setting an array's length costs more than the rest of a batch's bookkeeping).
  const histograms: Buckets[] = [];
  const starts: number[] = [];
  let settled = 0;
  const observe: RunEnd = (endedAt) => {
    for (let i = 0; i < settled; i++) histograms[i]!.observe((endedAt - starts[i]!) / 1000);
    settled = 0;
  };
  const report = (req: Request, rcode: number, rw: WrittenReply, start: number): void => {
    // Nothing written: the server answers with the returned rcode (or SERVFAIL), and CoreDNS reports size 0 and no plugin.
    const outcome: Outcome = rw.rcode >= 0 ? rw : { rcode: unwrittenRcode(rcode), plugin: '', size: 0 };
    if (settled === 0) atRunEnd(observe);
    histograms[settled] = stats.report(req, outcome);
    starts[settled++] = start;
  };
  return {
    name: 'prometheus',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      // The server's own writer keeps what it sent; any other is wrapped to see the reply.
      const seen = writtenReply(w) ?? new RecordingWriter(w, req);
      return settleNext(next, req, seen instanceof RecordingWriter ? seen : w, report, seen, runStartedAt());
    },
  };
}
