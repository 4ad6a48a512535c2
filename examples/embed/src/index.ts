import * as dnsPacket from 'dns-packet';
import { start } from 'chaindns';

/**
 * Starts chaindns from a Corefile string on a free loopback port, asks it a
 * question over its in-process API, and stops it: the whole embedding API.
 */
export async function main(): Promise<string> {
  const server = await start({
    corefile: `.:0 {
        bind 127.0.0.1
        whoami
    }`,
  });
  try {
    const { port } = server.addresses()[0]!;
    const reply = dnsPacket.decode(await server.query('example.org', 'A'));
    const me = reply.additionals?.find((r) => r.type === 'A') as { data: string } | undefined;
    return `chaindns answered on 127.0.0.1:${port}; whoami says ${me?.data}`;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await main());
}
