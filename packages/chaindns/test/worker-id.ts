import { definePlugin, expectArgs, reply } from '@chaindns/core';

/**
 * A plugin for the workers' tests, installed as chaindns-plugin-workerid:
 * answers TXT `worker N LABEL` with the number of the thread that answered
 * (`workerid LABEL` in the Corefile), and in a worker other than the
 * primary, `crash.` throws out of the event loop (the thread dies) and
 * `fatal.` stops the server with a fatal error, as loop does.
 */
export default definePlugin<{ label: string }>({
  name: 'workerid',
  parse(d) {
    const [label] = expectArgs(d, 0, 1);
    return { label: label?.text ?? '' };
  },
  setup(config, ctx) {
    const { index } = ctx.workers;
    return {
      name: 'workerid',
      serveDNS(req, w) {
        if (index > 0 && req.qname === 'crash.') {
          setImmediate(() => {
            throw new Error(`workerid: crash asked of worker ${index}`);
          });
        }
        if (index > 0 && req.qname === 'fatal.') ctx.fatal(new Error(`workerid: fatal asked of worker ${index}`));
        w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 0, data: [`worker ${index} ${config.label}`.trim()] }] }));
        return 0;
      },
    };
  },
});
