// The ceiling: a raw Node.js dgram echo of one prebuilt answer (only the ID
// is the query's). One copy and one send per datagram, nothing else.
// Usage: node bench/echo.js PORT
import dgram from 'node:dgram';
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
socket.bind(port, '127.0.0.1', () => process.stdout.write(`ready ${socket.address().port}\n`));
// A clean exit on SIGTERM, so that node --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
