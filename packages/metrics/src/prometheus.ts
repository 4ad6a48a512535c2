// The module's, not the global `performance`: in Node.js 20 that is a lazy getter, run on every read.
import { performance } from 'node:perf_hooks';
import { type Handler, type Next, type Request, type ResponseWriter, type Result, thrownRcode, unwrittenRcode } from '@chaindns/core';
import type { DnsStats, Outcome } from './stats.js';

/** Sees the reply on its way out: its rcode and size from the header bytes, and who wrote it. */
class RecordingWriter implements ResponseWriter, Outcome {
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
  const report = (req: Request, rw: RecordingWriter, rcode: number, start: number): void => {
    const seconds = (performance.now() - start) / 1000;
    // Nothing written: the server answers with the returned rcode (or SERVFAIL), and CoreDNS reports size 0 and no plugin.
    const outcome: Outcome = rw.rcode >= 0 ? rw : { rcode: unwrittenRcode(rcode), plugin: '', size: 0 };
    stats.report(req, outcome, seconds);
  };
  return {
    name: 'prometheus',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      const start = performance.now();
      const rw = new RecordingWriter(w, req);
      let result: Result;
      try {
        result = next(req, rw);
      } catch (err) {
        report(req, rw, thrownRcode(err), start);
        throw err;
      }
      if (typeof result === 'number') {
        report(req, rw, result, start);
        return result;
      }
      return result.then(
        (rcode) => {
          report(req, rw, rcode, start);
          return rcode;
        },
        (err: unknown) => {
          report(req, rw, thrownRcode(err), start);
          throw err;
        },
      );
    },
  };
}
