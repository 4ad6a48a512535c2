import type { Remote } from '../transport.js';

/**
 * Local ends of sockets, by address and port. One end may be added more than
 * once (connections to different peers may share a local TCP port); each add
 * is undone by one delete.
 */
export class EndpointSet {
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

  /** True when a query from `remote` came from one of these sockets. */
  has(remote: Pick<Remote, 'address' | 'port'>): boolean {
    const list = this.byPort.get(remote.port);
    return list !== undefined && list.includes(remote.address);
  }
}
