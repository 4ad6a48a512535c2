import { hostname } from 'node:os';
import { type Handler, type Next, QClass, QType, reply, type Request, type ResponseWriter, type Result } from '@chaindns/core';

/** A TXT string holds at most 255 bytes; CoreDNS cuts longer values. */
export function trim(s: string): string {
  return s.length < 256 ? s : s.slice(0, 255);
}

/**
 * Answers TXT queries in class CH for version.bind and version.server (the
 * version), authors.bind (the authors, shuffled per query) and hostname.bind
 * and id.server (this host's name); passes anything else on (CoreDNS's chaos).
 */
export function createChaos(options: { readonly version: string; readonly authors: readonly string[] }): Handler {
  return {
    name: 'chaos',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (req.qclass !== QClass.CH || req.qtype !== QType.TXT) return next(req, w);
      let texts: readonly string[];
      switch (req.qname) {
        case 'version.bind.':
        case 'version.server.':
          texts = [options.version];
          break;
        case 'authors.bind.':
          texts = shuffled(options.authors);
          break;
        case 'hostname.bind.':
        case 'id.server.':
          texts = [trim(hostname() || 'localhost')];
          break;
        default:
          return next(req, w);
      }
      w.write(reply(req, { answers: texts.map((data) => ({ name: req.qnameRaw, type: 'TXT', class: 'CH', ttl: 0, data })) }));
      return 0;
    },
  };
}

function shuffled(list: readonly string[]): string[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
