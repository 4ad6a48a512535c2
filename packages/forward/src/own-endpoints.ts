import type { Remote } from '@chaindns/core';

/**
 * The local address and port of every socket one forward instance has open
 * to its upstreams. A query arriving from one of them is this forward's own
 * query come back: a forwarding loop, which it answers SERVFAIL at once
 * instead of sending it round again.
 */
export class OwnEndpoints {
  private readonly byPort = new Map<number, string[]>();

  add(address: string, port: number): void {
    const list = this.byPort.get(port);
    if (list) list.push(address);
    else this.byPort.set(port, [address]);
  }

  delete(address: string, port: number): void {
    const list = this.byPort.get(port);
    if (!list) return;
    const i = list.indexOf(address);
    if (i !== -1) list.splice(i, 1);
    if (list.length === 0) this.byPort.delete(port);
  }

  has(remote: Remote): boolean {
    const list = this.byPort.get(remote.port);
    return list !== undefined && list.includes(remote.address);
  }
}
