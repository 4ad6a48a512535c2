import dgram from 'node:dgram';
import { type AnyPluginDefinition, definePlugin, PluginError } from '../plugin.js';
import { Rcode } from '../wire/constants.js';
import { reply, setId } from '../wire/reply.js';

/**
 * A forwarder whose upstream is this very server: a forwarding loop on
 * loopback, as `forward . /etc/resolv.conf` naming the server's own address.
 * It sends each query to the block's port over UDP from one socket, which it
 * adds to the server's outbound set while open, as `forward` does. With
 * `refuseOwn`, a query that arrives from that socket (its own, come back) is
 * answered REFUSED at once, as forward's loop guard answers SERVFAIL; without,
 * it goes round again until `timeoutMs` ends each try.
 */
export function selfRelay(options: { name: string; timeoutMs: number; refuseOwn?: boolean }): AnyPluginDefinition {
  const { name, timeoutMs } = options;
  return definePlugin<null>({
    name,
    parse: () => null,
    setup(_, ctx) {
      const socket = dgram.createSocket('udp4');
      const waiting = new Map<number, (msg: Buffer) => void>();
      let nextId = 1;
      socket.on('message', (msg) => waiting.get(msg.readUInt16BE(0))?.(msg));
      ctx.onStartup(() => new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => (ctx.outbound.add('udp', '127.0.0.1', socket.address().port), resolve()))));
      ctx.onShutdown(() => {
        ctx.outbound.delete('udp', '127.0.0.1', socket.address().port);
        socket.close();
      });
      return {
        name,
        serveDNS(req, w) {
          if (options.refuseOwn && req.remote.address === '127.0.0.1' && req.remote.port === socket.address().port) {
            w.write(reply(req, { rcode: Rcode.REFUSED }));
            return Rcode.REFUSED;
          }
          const id = nextId++ & 0xffff;
          const out = Buffer.from(req.msg);
          setId(out, id);
          return new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => (waiting.delete(id), reject(new PluginError(name, Rcode.SERVFAIL, `${name}: no answer within ${timeoutMs}ms`))), timeoutMs);
            waiting.set(id, (msg) => {
              clearTimeout(timer);
              waiting.delete(id);
              setId(msg, req.id);
              w.write(msg);
              resolve(msg[3]! & 0x0f);
            });
            socket.send(out, Number(/:(\d+)$/.exec(ctx.server)![1]), '127.0.0.1');
          });
        },
      };
    },
  }) as AnyPluginDefinition;
}
