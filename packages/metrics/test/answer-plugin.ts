import { definePlugin, expectArgs, PluginError, Rcode, reply, type Request, type ResponseWriter, type Result } from '@chaindns/core';

/**
 * `answer`: a test plugin whose behaviour the query's first label picks:
 * `nx` NXDOMAIN, `fail` a PluginError (SERVFAIL), `crash` a throw, `refuse`
 * REFUSED without writing, `slow` an answer after 20ms; anything else an A
 * record, written at once.
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
      const first = req.qname.split('.', 1)[0];
      switch (first) {
        case 'nx':
          w.write(reply(req, { rcode: Rcode.NXDOMAIN, authoritative: true }));
          return Rcode.NXDOMAIN;
        case 'fail':
          throw new PluginError('answer', Rcode.SERVFAIL, 'upstream timed out');
        case 'crash':
          throw new Error('boom');
        case 'refuse':
          return Rcode.REFUSED;
        case 'slow':
          return new Promise((resolve) =>
            setTimeout(() => {
              w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 5, data: '192.0.2.1' }] }));
              resolve(Rcode.NOERROR);
            }, 20),
          );
        default:
          w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 5, data: '192.0.2.1' }] }));
          return Rcode.NOERROR;
      }
    },
  }),
});
