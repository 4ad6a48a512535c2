/**
 * A tiny stand-in for `forward` (plugins never depend on each other): it
 * sends the query's bytes to `relay PORT` on 127.0.0.1 over UDP and writes
 * back the answer.
 */
import dgram from 'node:dgram';
import { definePlugin, expectArgs, parseInteger, PluginError, Rcode } from '@chaindns/core';

export const relay = definePlugin<number>({
  name: 'relay',
  parse: (d) => parseInteger(expectArgs(d, 1, 1)[0]!, 1, 65535),
  setup: (port) => ({
    name: 'relay',
    serveDNS: (req, w) =>
      new Promise<number>((resolve, reject) => {
        const socket = dgram.createSocket('udp4');
        const timer = setTimeout(() => {
          socket.close();
          reject(new PluginError('relay', Rcode.SERVFAIL, 'no answer'));
        }, 2000);
        socket.once('message', (msg) => {
          clearTimeout(timer);
          socket.close();
          w.write(msg);
          resolve(msg[3]! & 0x0f);
        });
        socket.send(req.msg, port, '127.0.0.1');
      }),
  }),
});
