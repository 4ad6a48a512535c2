import type { Counter } from 'prom-client';
import type { Logger } from '../logger.js';
import { NO_REPLY, PluginError, type Result, unwrittenRcode } from '../plugin.js';
import type { FrameSink, Remote, UdpEndpoint } from '../transport.js';
import { QClass, Rcode } from '../wire/constants.js';
import { errorReply } from '../wire/reply.js';
import { parseRequest, Request } from '../wire/request.js';
import type { Route, Router } from './router.js';
import { type ServerWriter, TcpWriter, UdpWriter } from './writer.js';

/**
 * From bytes to a chain and back. Malformed input ends here (dropped, or
 * answered FORMERR/NOTIMP/BADVERS); a name no zone covers, or a class other
 * than IN that no plugin of the block takes, gets REFUSED; a chain that
 * writes nothing gets SERVFAIL (none when it returns NO_REPLY); a throw never escapes.
 */
export class Dispatcher {
  constructor(
    private readonly log: Logger,
    private readonly panics: Counter,
  ) {}

  udp(router: Router, data: Buffer, from: Remote, via: UdpEndpoint): void {
    const req = parseRequest(data, 'udp', from);
    if (req instanceof Request) this.route(router, req, new UdpWriter(req, via, from));
    else if (!req.drop) via.send(errorReply(data, req.questionEnd, req.rcode, req.edns), from);
  }

  /**
   * A message of a stream transport: TCP, DNS over TLS or DNS over HTTPS (all
   * `tcp` to plugins, as CoreDNS's request.Proto() says); `hops` counts the
   * in-process lookups that led to it (Request.hops). False when it is
   * dropped, unanswered (DNS over HTTPS answers 400 then).
   */
  tcp(router: Router, data: Buffer, from: Remote, sink: FrameSink, hops = 0): boolean {
    const req = parseRequest(data, 'tcp', from);
    if (req instanceof Request) {
      req.hops = hops;
      this.route(router, req, new TcpWriter(req, sink));
    } else if (req.drop) return false;
    else sink.sendFrame(errorReply(data, req.questionEnd, req.rcode, req.edns));
    return true;
  }

  private route(router: Router, req: Request, w: ServerWriter): void {
    req.server = router.server;
    req.local = router.local;
    const match = router.match(req);
    // No zone for the name, or a class other than IN where no plugin of the block takes one.
    if (!match || (req.qclass !== QClass.IN && !match.route.anyClass)) {
      w.write(errorReply(req.msg, req.questionEnd, Rcode.REFUSED, req.edns));
      return;
    }
    req.zone = match.zone;
    this.serve(req, w, match.route);
  }

  /** Runs a chain for `req`; the writer `w` is the one that sends. */
  serve(req: Request, w: ServerWriter, route: Route): void {
    route.owner.enter();
    let result: Result;
    try {
      result = route.chain(req, w);
    } catch (err) {
      this.fail(req, w, err);
      route.owner.leave();
      return;
    }
    if (typeof result === 'number') {
      this.finish(req, w, result);
      route.owner.leave();
    } else {
      result.then(
        (rcode) => {
          this.finish(req, w, rcode);
          route.owner.leave();
        },
        (err: unknown) => {
          this.fail(req, w, err);
          route.owner.leave();
        },
      );
    }
  }

  private finish(req: Request, w: ServerWriter, rcode: number): void {
    if (w.written) return;
    if (rcode === NO_REPLY) w.noReply();
    else w.write(errorReply(req.msg, req.questionEnd, unwrittenRcode(rcode), req.edns));
  }

  private fail(req: Request, w: ServerWriter, err: unknown): void {
    if (err instanceof PluginError) {
      // A returned error, as Go plugins return one: the errors plugin logs these.
      this.finish(req, w, err.rcode);
      return;
    }
    this.panics.inc();
    this.log.error(`Recovered from error in server: "${req.server}" ${req.qname} ${req.qtypeName}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    this.finish(req, w, Rcode.SERVFAIL);
  }
}
