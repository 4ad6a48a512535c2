import { type Handler, reply, type Request, type ResponseWriter } from '@chaindns/core';

/**
 * Answers every query with the client's address (A or AAAA) and its port and
 * transport (SRV `_udp.` or `_tcp.` + the name) in the additional section,
 * TTL 0, AA set: CoreDNS's whoami.
 */
export function createWhoami(): Handler {
  return {
    name: 'whoami',
    serveDNS(req: Request, w: ResponseWriter): number {
      const name = req.qnameRaw;
      const remote = req.remote;
      const address = remote.family === 6 ? { name, type: 'AAAA' as const, ttl: 0, class: 'IN' as const, data: remote.address } : { name, type: 'A' as const, ttl: 0, class: 'IN' as const, data: remote.address };
      const srvName = `_${req.transport}.${name === '.' ? '' : name}`;
      w.write(
        reply(req, {
          authoritative: true,
          additionals: [address, { name: srvName, type: 'SRV', ttl: 0, class: 'IN', data: { priority: 0, weight: 0, port: remote.port, target: '.' } }],
        }),
      );
      return 0;
    },
  };
}
