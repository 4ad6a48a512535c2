import dgram from 'node:dgram';
import net from 'node:net';

/**
 * Sends `msg` to 127.0.0.1:`port` from the loopback address `from` (127.0.0.2,
 * say), over UDP or one TCP connection, and resolves with the reply; null
 * when none came within `timeoutMs`.
 */
export function exchangeFrom(from: string, port: number, msg: Buffer, transport: 'udp' | 'tcp', timeoutMs = 1000): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (transport === 'udp') {
      const socket = dgram.createSocket('udp4');
      const timer = setTimeout(() => (socket.close(), resolve(null)), timeoutMs);
      socket.once('message', (m) => (clearTimeout(timer), socket.close(), resolve(m)));
      socket.once('error', (err) => (clearTimeout(timer), socket.close(), reject(err)));
      socket.bind(0, from, () => socket.send(msg, port, '127.0.0.1'));
      return;
    }
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
    const timer = setTimeout(() => (socket.destroy(), resolve(null)), timeoutMs);
    let buf = Buffer.alloc(0);
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg])));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
    socket.on('error', (err) => (clearTimeout(timer), reject(err)));
  });
}
