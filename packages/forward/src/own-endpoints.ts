import { EndpointSet, type Remote, type Transport } from '@chaindns/core';

/**
 * The local address and port of every socket one forward instance has open
 * to its upstreams, kept in its own set and in the server's (ctx.outbound).
 * A query arriving from one of its own is this forward's query come back: a
 * forwarding loop, which it answers SERVFAIL at once instead of sending it
 * round again. The server's set lets the plugins before it (cache) see the
 * same, so that none makes that query wait on the one it came from.
 */
export class OwnEndpoints {
  private readonly mine = new EndpointSet();

  constructor(private readonly server: EndpointSet) {}

  add(transport: Transport, address: string, port: number): void {
    this.mine.add(transport, address, port);
    this.server.add(transport, address, port);
  }

  delete(transport: Transport, address: string, port: number): void {
    this.mine.delete(transport, address, port);
    this.server.delete(transport, address, port);
  }

  has(transport: Transport, remote: Remote): boolean {
    return this.mine.has(transport, remote);
  }
}
