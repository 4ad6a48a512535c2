// The bench's authoritative upstream: answers every A question with one A
// record (TTL 3600, an address derived from the name), on 127.0.0.1 UDP.
// Usage: node bench/upstream.js PORT
import dgram from 'node:dgram';
import { answerA, questionEnd } from './wire.js';

const port = Number(process.argv[2] ?? 0);
const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  const end = questionEnd(msg);
  if (end < 0) return;
  let h = 0;
  for (let i = 12; i < end; i++) h = (h * 31 + msg[i]) >>> 0;
  const ip = [192, 0, 2, (h % 254) + 1];
  socket.send(answerA(msg, end, ip, 3600), rinfo.port, rinfo.address);
});
socket.bind(port, '127.0.0.1', () => process.stdout.write(`ready ${socket.address().port}\n`));
// A clean exit on SIGTERM, so that node --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
