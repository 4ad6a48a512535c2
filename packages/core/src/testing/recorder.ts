import * as dnsPacket from 'dns-packet';
import type { Handler, Next, ResponseWriter, Result } from '../plugin.js';
import type { Remote } from '../transport.js';
import { QType, Rcode } from '../wire/constants.js';
import { buildQuery } from '../wire/query.js';
import { parseRequest, Request, type Transport } from '../wire/request.js';

/** A ResponseWriter that keeps what was written, for handler tests without sockets. */
export class Recorder implements ResponseWriter {
  msg: Buffer | null = null;
  writes = 0;

  write(msg: Buffer): void {
    this.writes++;
    this.msg = msg;
  }
  get rcode(): number | null {
    return this.msg ? this.msg[3]! & 0x0f : null;
  }
  packet(): dnsPacket.Packet {
    if (!this.msg) throw new Error('Recorder: nothing was written');
    return dnsPacket.decode(this.msg);
  }
}

const loopback: Remote = { address: '127.0.0.1', port: 40000, family: 4 };

/** A Request for tests: `makeRequest('example.org', 'A', { zone: 'example.org.' })`. */
export function makeRequest(
  name: string,
  type: number | keyof typeof QType = 'A',
  options: { transport?: Transport; remote?: Remote; zone?: string; edns?: { udpSize: number; do?: boolean }; id?: number; qclass?: number } = {},
): Request {
  const msg = buildQuery(name, typeof type === 'number' ? type : QType[type], {
    ...(options.edns ? { edns: options.edns } : {}),
    ...(options.id !== undefined ? { id: options.id } : {}),
    ...(options.qclass !== undefined ? { qclass: options.qclass } : {}),
  });
  const req = parseRequest(msg, options.transport ?? 'udp', options.remote ?? loopback);
  if (!(req instanceof Request)) throw new Error(`makeRequest: ${name} ${type} does not parse`);
  req.zone = options.zone ?? '.';
  req.server = 'dns://:53';
  return req;
}

/** The `next` of a chain's end, in handler tests: SERVFAIL, writing nothing. */
export const endOfChain: Next = () => Rcode.SERVFAIL;

/** Runs one handler on a request with a Recorder; resolves with the rcode and the recorder. */
export async function serveWith(handler: Handler, req: Request, next: Next = endOfChain): Promise<{ rcode: number; recorder: Recorder }> {
  const recorder = new Recorder();
  const result: Result = handler.serveDNS(req, recorder, next);
  return { rcode: await result, recorder };
}
