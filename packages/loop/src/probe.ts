import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { buildQuery } from '@chaindns/core';

/**
 * Where a probe goes for the listener whose `server` label is `label`
 * (`dns://:53`, `dns://127.0.0.1:1053`, `dns://[::1]:53`): its address, or
 * loopback for a listener on every address. CoreDNS's probe goes to its
 * first listen host and port the same way.
 */
export function probeTarget(label: string): { host: string; port: number } {
  const m = /^[a-z]+:\/\/(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(label);
  if (!m) throw new Error(`loop: cannot tell where to send the probe from the listener "${label}"`);
  const host = m[1] ?? m[2]!;
  if (host === '' || host === '0.0.0.0') return { host: '127.0.0.1', port: Number(m[3]) };
  if (host === '::') return { host: '::1', port: Number(m[3]) };
  return { host, port: Number(m[3]) };
}

/**
 * Sends `qname qtype` (RD set, a random ID) over UDP from a socket of its
 * own to `target`, as CoreDNS's loop does with dns.Exchange, and resolves
 * with the reply; rejects after `timeoutMs` or on a socket error.
 */
export function exchangeUdp(target: { host: string; port: number }, qname: string, qtype: number, timeoutMs: number): Promise<Buffer> {
  const query = buildQuery(qname, qtype);
  const socket = dgram.createSocket(isIP(target.host) === 6 ? 'udp6' : 'udp4');
  // A probe in flight must not keep a stopping process alive.
  socket.unref();
  return new Promise<Buffer>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      socket.close();
    };
    const timer = setTimeout(() => (done(), reject(new Error(`no reply within ${timeoutMs}ms`))), timeoutMs);
    timer.unref();
    socket.on('message', (reply) => {
      if (reply.length < 12 || reply[0] !== query[0] || reply[1] !== query[1]) return;
      done();
      resolve(reply);
    });
    socket.once('error', (err) => (done(), reject(err)));
    socket.send(query, target.port, target.host);
  });
}
