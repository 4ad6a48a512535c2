import { Writable } from 'node:stream';
import { definePlugin, expectArgs, PluginError, Rcode, reply, type Request, type ResponseWriter, type Result } from '@chaindns/core';

/** A stream that keeps what is written, split into lines. */
export class Collector extends Writable {
  readonly chunks: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    done();
  }

  get lines(): string[] {
    return this.chunks.join('').split('\n').filter(Boolean);
  }

  /** Resolves once `n` lines were written (rejects after `timeoutMs`). */
  async waitForLines(n: number, timeoutMs = 2000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} lines, got ${this.lines.length}: ${JSON.stringify(this.lines)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.lines;
  }
}

/**
 * `answer`: a test plugin whose behaviour the query's first label picks:
 * `nx` NXDOMAIN with an SOA, `nodata` NOERROR with an SOA, `fail` a
 * PluginError (SERVFAIL) with `timeout N` as its message, `refused` a
 * PluginError (REFUSED), `crash` a throw, `slow` an answer after 30ms;
 * anything else an A record.
 */
export const answer = definePlugin<null>({
  name: 'answer',
  parse(d) {
    expectArgs(d, 0, 0);
    return null;
  },
  setup: () => ({
    name: 'answer',
    serveDNS(req: Request, w: ResponseWriter): Result {
      const soa = { name: 'example.org', type: 'SOA' as const, ttl: 60, data: { mname: 'ns.example.org', rname: 'admin.example.org', serial: 1, refresh: 60, retry: 60, expire: 60, minimum: 60 } };
      const a = { name: req.qnameRaw, type: 'A' as const, ttl: 5, data: '192.0.2.1' };
      switch (req.qname.split('.', 1)[0]) {
        case 'nx':
          w.write(reply(req, { rcode: Rcode.NXDOMAIN, authoritative: true, authorities: [soa] }));
          return Rcode.NXDOMAIN;
        case 'nodata':
          w.write(reply(req, { authoritative: true, authorities: [soa] }));
          return Rcode.NOERROR;
        case 'fail':
          throw new PluginError('answer', Rcode.SERVFAIL, `read udp 127.0.0.1:${req.id}->192.0.2.53:53: i/o timeout`);
        case 'refused':
          return Promise.reject(new PluginError('answer', Rcode.REFUSED, 'not allowed'));
        case 'crash':
          throw new Error('boom');
        case 'slow':
          return new Promise((resolve) =>
            setTimeout(() => {
              w.write(reply(req, { answers: [a] }));
              resolve(Rcode.NOERROR);
            }, 30),
          );
        default:
          w.write(reply(req, { authoritative: true, answers: [a] }));
          return Rcode.NOERROR;
      }
    },
  }),
});
