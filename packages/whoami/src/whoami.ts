import { type Handler, type Next, QClass, reply, type Request, type ResponseWriter, type Result } from '@chaindns/core';

/**
 * Answers every IN query with the client's address (A or AAAA) and its port
 * and transport (SRV `_udp.` or `_tcp.` + the name) in the additional section,
 * TTL 0, AA set: CoreDNS's whoami. A question of another class reaches it
 * only when another plugin of the block takes any class (forward): its data
 * is IN data, so it passes the question on.
 */
export function createWhoami(): Handler {
  return {
    name: 'whoami',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (req.qclass !== QClass.IN) return next(req, w);
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
