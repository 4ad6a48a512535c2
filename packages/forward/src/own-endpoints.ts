import { EndpointSet, type Remote } from '@chaindns/core';

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

  add(address: string, port: number): void {
    this.mine.add(address, port);
    this.server.add(address, port);
  }

  delete(address: string, port: number): void {
    this.mine.delete(address, port);
    this.server.delete(address, port);
  }

  has(remote: Remote): boolean {
    return this.mine.has(remote);
  }
}
