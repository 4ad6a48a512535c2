import { type Handler, reply } from '@chaindns/core';

export interface HelloConfig {
  /** Who to greet. */
  readonly name: string;
  /** The zones the plugin answers for; other names pass to the next plugin. */
  readonly zones: readonly string[];
}

/** Answers TXT queries in its zones with a greeting; passes everything else on. */
export function createHello(config: HelloConfig): Handler {
  const text = `hello, ${config.name}`;
  return {
    name: 'hello',
    serveDNS(req, w, next) {
      if (req.qtype !== 16 || !config.zones.some((z) => req.qname === z || req.qname.endsWith('.' + z) || z === '.')) return next(req, w);
      w.write(reply(req, { authoritative: true, answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 60, data: text }] }));
      return 0;
    },
  };
}
