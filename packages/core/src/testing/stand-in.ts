import { definePlugin, type PluginDefinition } from '../plugin.js';
import type { Request } from '../wire/request.js';
import { reply, type ReplyOptions } from '../wire/reply.js';

/** One A record, 192.0.2.1 with TTL 0, for the name asked. */
function oneA(req: Request): ReplyOptions {
  return { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '192.0.2.1' }] };
}

/**
 * A plugin that answers every query with `reply(req, answer(req))` (by
 * default one A 192.0.2.1, TTL 0) under the directive `name`: it stands in
 * for a plugin a test or a README example puts in the chain (`whoami`, an
 * `answer` at its end), since a plugin's tests load no other plugin. It takes
 * no arguments.
 */
export function standIn(name: string, answer: (req: Request) => ReplyOptions = oneA): PluginDefinition<null> {
  return definePlugin<null>({
    name,
    parse: () => null,
    setup: () => ({
      name,
      serveDNS(req, w) {
        const options = answer(req);
        w.write(reply(req, options));
        return options.rcode ?? 0;
      },
    }),
  });
}
