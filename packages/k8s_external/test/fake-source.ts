import type { ExternalItem, ExternalSource } from '@chaindns/core';

/** The SOA serial of CoreDNS's tests. */
export const SERIAL = 1499347823;

const item = (host: string, port: number, target: string): ExternalItem => ({ host, port, target });

/**
 * What CoreDNS's external_test.go cluster offers through its Externaler, as
 * a table: the names and what they stand for (headless ones apart), the
 * namespaces, the services by external address, this server at 127.0.0.1.
 */
export const TABLE: Readonly<Record<string, readonly ExternalItem[]>> = {
  'svc1.testns': [item('1.2.3.4', 80, 'svc1.testns')],
  '_http._tcp.svc1.testns': [item('1.2.3.4', 80, 'svc1.testns')],
  'svc6.testns': [item('1:2::5', 80, 'svc6.testns')],
  '_http._tcp.svc6.testns': [item('1:2::5', 80, 'svc6.testns')],
  'svc11.testns': [item('2.3.4.5', 80, 'svc11.testns')],
  '_http._tcp.svc11.testns': [item('2.3.4.5', 80, 'svc11.testns')],
  'svc12.testns': [item('dummy.hostname', 80, 'svc12.testns')],
  '_http._tcp.svc12.testns': [item('dummy.hostname', 80, 'svc12.testns')],
  // Two ports, two load balancers: one of them twice, an address and a host name.
  'multi.testns': [item('192.0.2.1', 80, 'multi.testns'), item('192.0.2.1', 443, 'multi.testns'), item('lb.example.net', 80, 'multi.testns'), item('lb.example.net', 443, 'multi.testns')],
  'noport.testns': [item('192.0.2.9', -1, 'noport.testns')],
};

const HEADLESS: Readonly<Record<string, readonly ExternalItem[]>> = {
  'svc-headless.testns': [item('1.2.3.4', 80, 'endpoint-svc-0.svc-headless.testns'), item('1.2.3.5', 80, 'endpoint-svc-1.svc-headless.testns')],
  '_http._tcp.svc-headless.testns': [item('1.2.3.4', 80, 'endpoint-svc-0.svc-headless.testns'), item('1.2.3.5', 80, 'endpoint-svc-1.svc-headless.testns')],
  'endpoint-svc-0.svc-headless.testns': [item('1.2.3.4', 80, 'endpoint-svc-0.svc-headless.testns')],
  'endpoint-svc-1.svc-headless.testns': [item('1.2.3.5', 80, 'endpoint-svc-1.svc-headless.testns')],
};

const REVERSE: Readonly<Record<string, readonly string[]>> = {
  '4.3.2.1.in-addr.arpa.': ['svc1.testns'],
  '5.4.3.2.in-addr.arpa.': ['svc11.testns'],
};

export interface FakeSource extends ExternalSource {
  synced(): boolean;
  /** Whether synced() says so. */
  loaded: boolean;
  nameserverIps: string[];
}

export function fakeSource(): FakeSource {
  const source: FakeSource = {
    loaded: true,
    nameserverIps: ['127.0.0.1'],
    lookup(name, headless) {
      const found = TABLE[name] ?? (headless ? HEADLESS[name] : undefined);
      if (found) return found;
      return name === 'testns' ? [] : null;
    },
    reverse(qname) {
      if (!/^(\d+\.){4}in-addr\.arpa\.$/.test(qname)) return null;
      return REVERSE[qname] ?? [];
    },
    nameservers: () => source.nameserverIps,
    serial: () => SERIAL,
    synced: () => source.loaded,
    *names(headless) {
      yield* Object.keys(TABLE);
      if (headless) yield* Object.keys(HEADLESS);
    },
  };
  return source;
}
