import dgram from 'node:dgram';
import type { ListenOptions } from 'node:net';
import type { Logger } from '../logger.js';
import type { PacketHandler, Remote, StreamSocketBinder, UdpBinding, UdpBindOptions, UdpEndpoint, UdpTransport } from '../transport.js';
import { remoteOf } from './remote.js';

/**
 * Whether this Node.js's dgram and net set SO_REUSEPORT (`reusePort`, added in 22.12 and 23.1).
 * An older one ignores the option without a word and the second bind fails, so the version decides.
 */
export function dgramSharesPorts(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/** Node.js's own SO_REUSEPORT for the TCP side (22.12+). */
const NET_REUSE_PORT: StreamSocketBinder = {
  listenOptions: (address, port) => ({ host: address, port, ipv6Only: false, reusePort: true }) as ListenOptions,
};

/**
 * Node's dgram: one syscall and one callback per datagram. The default, and the fallback. It
 * shares ports (`reusePort`) where Node.js sets SO_REUSEPORT (22.12+); its `detach` cannot leave
 * the port, so what the kernel still gives the socket after it is dropped.
 */
export function dgramTransport(log: Logger): UdpTransport {
  return {
    name: 'dgram',
    bind: (options, onPacket) => bindDgram(options, onPacket, log),
    ...(dgramSharesPorts() ? { reusePort: NET_REUSE_PORT } : {}),
  };
}

/**
 * The receive buffer each UDP socket asks for (the kernel caps it at
 * net.core.rmem_max): a burst that comes while the process is busy (a GC
 * pause, a stall of the machine) waits in it instead of being dropped, and a
 * dropped query costs its client a retry seconds later. The default, 208 KB,
 * holds about 2 ms of small queries at 100k QPS. The native transport asks the same.
 */
const RECV_BUFFER = 4 << 20;

function bindDgram(options: UdpBindOptions, onPacket: PacketHandler, log: Logger): Promise<UdpBinding> {
  const v6 = options.address.includes(':');
  // `reusePort` is Node.js 22.12's (older ones ignore it): the typings of Node.js 20 lack it.
  const socketOptions = { type: v6 ? 'udp6' : 'udp4', ipv6Only: false, lookup: literalLookup, recvBufferSize: RECV_BUFFER, reusePort: options.reusePort === true } as dgram.SocketOptions;
  const socket = dgram.createSocket(socketOptions);
  const peer = options.connect;
  let open = true;
  const send = peer
    ? (data: Uint8Array): void => {
        if (open) socket.send(data);
      }
    : (data: Uint8Array, to: Remote): void => {
        // A query that finishes after stop() (past the drain timeout) has nowhere to go: dgram would throw.
        if (!open) return;
        // An IPv4 peer of a dual-stack socket is reported unmapped (remoteOf), but udp6 only sends to it mapped.
        socket.send(data, to.port, v6 && to.family === 4 ? `::ffff:${to.address}` : to.address);
      };
  const endpoint: UdpEndpoint = { send };
  // dgram cannot leave the port: what comes after a detach is read and dropped, and the answers still go out.
  const detach = (): Promise<void> => {
    socket.removeAllListeners('message');
    return Promise.resolve();
  };
  const close = (): Promise<void> => {
    if (!open) return Promise.resolve();
    open = false;
    return new Promise<void>((done) => socket.close(() => done()));
  };
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      open = false;
      socket.close();
      reject(err);
    };
    socket.once('error', fail);
    socket.bind(options.port, options.address, () => {
      const ready = (): void => {
        socket.off('error', fail);
        // A send to a vanished client (ICMP unreachable) must not take the server down.
        socket.on('error', options.onError ?? ((err) => log.debug(`udp ${options.address}: ${err.message}`)));
        // An IPv4 socket's peers are IPv4, never mapped: their Remote needs no look at the address.
        socket.on(
          'message',
          v6 ? (msg, rinfo) => onPacket(msg, remoteOf(rinfo.address, rinfo.port, rinfo.family), endpoint) : (msg, rinfo) => onPacket(msg, { address: rinfo.address, port: rinfo.port, family: 4 }, endpoint),
        );
        const { address, port } = socket.address();
        resolve({ address, port, send, close, detach });
      };
      if (!peer) return ready();
      socket.connect(peer.port, peer.address, (err?: Error) => (err ? fail(err) : ready()));
    });
  });
}

/**
 * dgram resolves every destination with `lookup` before it sends; a reply
 * always goes to an IP address, which dns.lookup would hand back only on the
 * next tick (one tick, one closure and an isIP test per reply). This hands it
 * back at once, so the send happens in the call.
 */
function literalLookup(address: string, _options: unknown, callback: (err: Error | null, address: string, family: number) => void): void {
  callback(null, address, address.includes(':') ? 6 : 4);
}
