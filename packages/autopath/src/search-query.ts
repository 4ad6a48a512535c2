import { deriveRequest, encodeName, HEADER_SIZE, type Request } from '@chaindns/core';
import { equalFold } from './wire-name.js';

/**
 * Where the first search domain starts in the question's wire name: just past
 * the labels the client typed (`nginx` of `nginx.default.svc.cluster.local.`),
 * or -1 when the name is not below `domain` label by label (an escaped dot can
 * make a name look like it is) or is `domain` itself.
 */
export function baseEnd(req: Request, domain: string): number {
  const suffix = wireName(domain);
  if (suffix === null) return -1;
  const msg = req.msg;
  const start = req.nameEnd - suffix.length;
  if (start <= HEADER_SIZE) return -1;
  // Walk the labels: the suffix must start on a label boundary.
  let off = HEADER_SIZE;
  while (off < start) off += msg[off]! + 1;
  if (off !== start) return -1;
  return equalFold(msg, start, suffix, 0, suffix.length) ? start : -1;
}

/**
 * The client's query with its name's search domain replaced by `domain` (the
 * labels it typed kept as sent, `.` for the bare name): the same ID, flags,
 * type, class and EDNS, as a new Request of the same client. Null when the
 * name would be longer than DNS allows, or `domain` is no name.
 */
export function searchQuery(req: Request, base: number, domain: string): Request | null {
  const suffix = wireName(domain);
  if (suffix === null) return null;
  if (base - HEADER_SIZE + suffix.length > 255) return null;
  const msg = Buffer.allocUnsafe(base + suffix.length + req.msg.length - req.nameEnd);
  req.msg.copy(msg, 0, 0, base);
  suffix.copy(msg, base);
  req.msg.copy(msg, base + suffix.length, req.nameEnd);
  return deriveRequest(req, msg);
}

/** A search domain in wire form; null when it is no name (a provider's or a file's mistake). */
function wireName(domain: string): Buffer | null {
  try {
    return encodeName(domain);
  } catch {
    return null;
  }
}
