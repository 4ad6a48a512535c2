import type { Remote } from '../transport.js';
import type { Transport } from '../wire/request.js';

/**
 * Local ends of sockets, by transport, address and port (a UDP and a TCP
 * socket may hold the same port number: a client on one is not the other).
 * One end may be added more than once (connections to different peers may
 * share a local TCP port); each add is undone by one delete.
 */
export class EndpointSet {
  private readonly byPort = new Map<number, string[]>();

  add(transport: Transport, address: string, port: number): void {
    const key = keyOf(transport, port);
    const list = this.byPort.get(key);
    if (list) list.push(address);
    else this.byPort.set(key, [address]);
  }

  delete(transport: Transport, address: string, port: number): void {
    const key = keyOf(transport, port);
    const list = this.byPort.get(key);
    if (!list) return;
    const i = list.indexOf(address);
    if (i !== -1) list.splice(i, 1);
    if (list.length === 0) this.byPort.delete(key);
  }

  /** True when a query that came over `transport` from `remote` came from one of these sockets. */
  has(transport: Transport, remote: Pick<Remote, 'address' | 'port'>): boolean {
    const list = this.byPort.get(keyOf(transport, remote.port));
    return list !== undefined && list.includes(remote.address);
  }
}

/** One number for a transport and a port: TCP's ports above UDP's. */
const keyOf = (transport: Transport, port: number): number => (transport === 'tcp' ? port + 0x10000 : port);
