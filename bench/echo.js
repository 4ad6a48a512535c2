// The ceiling: a raw Node.js dgram echo of one prebuilt answer (only the ID
// is the query's). One copy and one send per datagram, nothing else. The
// same over TCP on the same port (node:net, 2-byte length framing): the
// ceiling of a Node.js server for one query per connection.
// Usage: node bench/echo.js PORT
import dgram from 'node:dgram';
import net from 'node:net';
import { answerA, queryA, questionEnd } from './wire.js';

const port = Number(process.argv[2] ?? 0);
const q = queryA('name1.bench.example', 0);
const prebuilt = answerA(q, questionEnd(q), [192, 0, 2, 1], 3600);
const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  const out = Buffer.allocUnsafe(prebuilt.length);
  prebuilt.copy(out, 0);
  out[0] = msg[0];
  out[1] = msg[1];
  socket.send(out, rinfo.port, rinfo.address);
});
socket.bind(port, '127.0.0.1', () => {
  net
    .createServer({ noDelay: true }, (conn) => {
      let buffered = Buffer.alloc(0);
      conn.on('error', () => conn.destroy());
      conn.on('data', (chunk) => {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          const out = Buffer.allocUnsafe(2 + prebuilt.length);
          out.writeUInt16BE(prebuilt.length, 0);
          prebuilt.copy(out, 2);
          out[2] = buffered[2];
          out[3] = buffered[3];
          conn.write(out);
          buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
        }
      });
    })
    .listen(socket.address().port, '127.0.0.1', () => process.stdout.write(`ready ${socket.address().port}\n`));
});
// A clean exit on SIGTERM, so that node --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
