// chaindns in process: a core Server with `bind`, `cache` and a minimal
// stand-in for `forward` (UDP, one upstream, no health checks), for when the
// distribution's CLI does not ship `cache` and `forward` yet. It reads the
// same Corefile as the CLI run. With --native, UDP goes through the batched
// transport of @chaindns/udp-native (recvmmsg/sendmmsg) instead of dgram.
// Usage: node bench/chaindns-inproc.js COREFILE [--native]
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { bind } from '@chaindns/bind';
import cache from '@chaindns/cache';
import { createLogger, definePlugin, expectArgs, PluginError, PluginRegistry, Rcode, Server, setId } from '@chaindns/core';

/** `forward . HOST:PORT`: one shared socket, queries matched to replies by a fresh ID. */
const forward = definePlugin({
  name: 'forward',
  parse(d) {
    const [, to] = expectArgs(d, 2, 2);
    const [host, port] = to.text.split(':');
    return { host, port: Number(port) };
  },
  async setup({ host, port }, ctx) {
    const socket = dgram.createSocket('udp4');
    const pending = new Map();
    let nextId = 0;
    socket.on('message', (msg) => {
      const p = pending.get(msg.readUInt16BE(0));
      if (!p) return;
      pending.delete(msg.readUInt16BE(0));
      clearTimeout(p.timer);
      setId(msg, p.id);
      p.w.write(msg);
      p.resolve(msg[3] & 0x0f);
    });
    await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
    ctx.onShutdown(() => socket.close());
    return {
      name: 'forward',
      serveDNS(req, w) {
        return new Promise((resolve, reject) => {
          let id = (nextId = (nextId + 1) & 0xffff);
          while (pending.has(id)) id = (nextId = (nextId + 1) & 0xffff);
          const timer = setTimeout(() => {
            pending.delete(id);
            reject(new PluginError('forward', Rcode.SERVFAIL, 'timeout'));
          }, 2000);
          pending.set(id, { id: req.id, w, resolve, timer });
          const out = Buffer.from(req.msg);
          setId(out, id);
          socket.send(out, port, host);
        });
      },
    };
  },
});

let udpTransport;
if (process.argv.includes('--native')) {
  const native = await import('@chaindns/udp-native');
  udpTransport = native.loadNativeTransport();
  if (!udpTransport) throw new Error(native.nativeTransportError());
}

const server = new Server({
  ...(udpTransport ? { udpTransport } : {}),
  corefile: readFileSync(process.argv[2], 'utf8'),
  plugins: new PluginRegistry(['bind', 'cache', 'forward'], [bind, cache, forward]),
  logger: createLogger({ quiet: true }),
});
await server.start();
process.stdout.write(`ready ${server.addresses()[0]?.port}\n`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
