// The pure-JavaScript peer: the dns2 package's UDP server answering one A record.
// Usage: node bench/dns2-server.js PORT
import dns2 from 'dns2';

const { UDPServer, Packet } = dns2;
const port = Number(process.argv[2] ?? 0);
const server = new UDPServer((request, send) => {
  const response = Packet.createResponseFromRequest(request);
  const [question] = request.questions;
  response.answers.push({ name: question.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 3600, address: '192.0.2.1' });
  send(response);
});
server.listen(port, '127.0.0.1').then(() => process.stdout.write(`ready ${server.address().port}\n`));
// A clean exit on SIGTERM, so that node --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
