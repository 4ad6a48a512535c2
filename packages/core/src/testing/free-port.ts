import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** The lowest port a server may be handed: under it are the well-known and the privileged. */
const LOWEST = 10_000;

/**
 * The kernel's ephemeral range: where every outbound connection and every
 * bind to port 0 gets its port. A port chosen there and written into a
 * Corefile could be taken by some other test's client before the server
 * binds it (EADDRINUSE on a busy machine), so freePort chooses below it.
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const below = ephemeralLow();

/** Whether `port` is free for both UDP and TCP on `address` right now. */
async function bothFree(address: string, port: number): Promise<boolean> {
  const udp = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  const udpOk = await new Promise<boolean>((resolve) => {
    udp.once('error', () => resolve(false));
    udp.bind(port, address, () => resolve(true));
  });
  if (!udpOk) {
    udp.close();
    return false;
  }
  const tcp = net.createServer();
  const tcpOk = await new Promise<boolean>((resolve) => {
    tcp.once('error', () => resolve(false));
    tcp.listen(port, address, () => resolve(true));
  });
  await new Promise<void>((r) => udp.close(() => r()));
  if (tcpOk) await new Promise<void>((r) => tcp.close(() => r()));
  return tcpOk;
}

/**
 * A port free for both UDP and TCP on `address` right now, for tests that
 * must write a port into a Corefile or a command line before starting. It is
 * drawn at random from under the ephemeral range, so no client's connection
 * takes it in the meantime.
 */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (below - LOWEST));
    if (await bothFree(address, port)) return port;
  }
  throw new Error(`no free port on ${address}`);
}
