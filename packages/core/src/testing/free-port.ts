import dgram from 'node:dgram';
import net from 'node:net';

/**
 * A port free for both UDP and TCP on `address` right now, for tests that
 * must write a port into a Corefile or a command line before starting.
 */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, address, () => resolve(udp.address().port));
    });
    const tcp = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, address, () => resolve(true));
    });
    await new Promise<void>((r) => udp.close(() => r()));
    if (ok) {
      await new Promise<void>((r) => tcp.close(() => r()));
      return port;
    }
  }
  throw new Error(`no free port on ${address}`);
}
