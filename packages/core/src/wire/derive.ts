import { ChainDNSError } from '../errors.js';
import { parseRequest, Request, type Transport } from './request.js';

/**
 * A new Request for the same client and server block, from rewritten bytes
 * (a rewritten question, a capped EDNS size) or as another transport (a
 * cache refresh asks as TCP, so its answer is not cut to a UDP size). The
 * bytes are parsed as a query is, so the view stays lazy. A plugin that
 * builds a message that does not parse gets an error (its bug), not a
 * FORMERR for its client.
 */
export function deriveRequest(req: Request, msg: Buffer = req.msg, transport: Transport = req.transport): Request {
  const derived = parseRequest(msg, transport, req.remote);
  if (!(derived instanceof Request)) throw new ChainDNSError('CHAINDNS_STATE', `a derived query does not parse (rcode ${derived.rcode})`);
  derived.zone = req.zone;
  derived.server = req.server;
  derived.plugin = req.plugin;
  derived.local = req.local;
  derived.view = req.view;
  derived.metadata = req.metadata;
  return derived;
}
