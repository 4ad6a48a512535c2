// The bench's authoritative upstream: answers every A question with one A
// record (TTL 3600, an address derived from the name), on 127.0.0.1 UDP and
// TCP (dnsdist asks its backend over TCP for DNS over TLS).
// Usage: node bench/upstream.js PORT
import dgram from 'node:dgram';
import net from 'node:net';
import { answerA, questionEnd } from './wire.js';

const port = Number(process.argv[2] ?? 0);

/** The answer to `msg`, or null when it is no query. */
function answer(msg) {
  const end = questionEnd(msg);
  if (end < 0) return null;
  let h = 0;
  for (let i = 12; i < end; i++) h = (h * 31 + msg[i]) >>> 0;
  return answerA(msg, end, [192, 0, 2, (h % 254) + 1], 3600);
}

const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  const out = answer(msg);
  if (out) socket.send(out, rinfo.port, rinfo.address);
});
const tcp = net.createServer({ noDelay: true }, (conn) => {
  let buf = Buffer.alloc(0);
  conn.on('error', () => conn.destroy());
  conn.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const out = answer(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      buf = buf.subarray(2 + buf.readUInt16BE(0));
      if (!out) continue;
      const framed = Buffer.allocUnsafe(out.length + 2);
      framed.writeUInt16BE(out.length, 0);
      out.copy(framed, 2);
      conn.write(framed);
    }
  });
});
socket.bind(port, '127.0.0.1', () => {
  tcp.listen(socket.address().port, '127.0.0.1', () => process.stdout.write(`ready ${socket.address().port}\n`));
});
// A clean exit on SIGTERM, so that node --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
