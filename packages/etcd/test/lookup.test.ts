import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertCase, eventually, startTestServer, type TestServer } from '@chaindns/core/testing';
import type { Answer, DecodedPacket } from 'dns-packet';
import { etcd } from '../src/index.js';
import { cname, groups, lookup, multi, other, type Table, ZONES } from './coredns-cases.js';
import { startEtcd, type TestEtcd } from './etcd-server.js';

/** A DNS name's etcd key under /skydns, as CoreDNS's msg.Path. */
export const keyOf = (name: string): string => `/skydns/${name.replace(/\.$/, '').split('.').reverse().join('/')}`;

/** The reply with SOA serials set to 0: they are the time. */
export function zeroSerials(packet: DecodedPacket): DecodedPacket {
  const zero = (a: Answer): Answer => (a.type === 'SOA' ? { ...a, data: { ...a.data, serial: 0 } } : a);
  return { ...packet, answers: packet.answers?.map(zero), authorities: packet.authorities?.map(zero) } as DecodedPacket;
}

let store: TestEtcd;
let server: TestServer;
let multiServer: TestServer;
let round = 0;

before(async () => {
  store = await startEtcd();
  server = await startTestServer(`${ZONES.join(' ')} {\n  etcd {\n    endpoint ${store.endpoint}\n  }\n}`, { plugins: [etcd] });
  multiServer = await startTestServer(`. {\n  etcd skydns.test miek.nl {\n    endpoint ${store.endpoint}\n  }\n}`, { plugins: [etcd] });
});
after(async () => {
  await server?.stop();
  await multiServer?.stop();
  await store?.stop();
});

/** Writes a table's records in place of the last one's, and waits until both servers' watches have them. */
async function load(table: Table): Promise<void> {
  await store.client.delete().prefix('/skydns/');
  for (const { key, ...service } of table.services) await store.put(keyOf(key), service);
  const mark = `192.0.2.${++round}`;
  await store.put('/skydns/test/skydns_extra/sentinel', { host: mark });
  await store.put('/skydns/nl/miek/sentinel', { host: mark });
  const seen = async (s: TestServer, name: string): Promise<boolean> => (await s.query(name, 'A')).packet.answers?.some((a) => (a as { data?: unknown }).data === mark) ?? false;
  await eventually(async () => (await seen(server, 'sentinel.skydns_extra.test')) && (await seen(multiServer, 'sentinel.miek.nl')), 5000, `${table.name}'s records`);
}

for (const table of [lookup, cname, groups, other, multi]) {
  test(`CoreDNS's ${table.name}, against a real etcd, over TCP`, async (t) => {
    await load(table);
    const s = table === multi ? multiServer : server;
    for (const c of table.cases) {
      await t.test(`${c.qname} ${c.qtype}`, async () => {
        const r = await s.query(c.qname, c.qtype as 'A', { transport: 'tcp' });
        assertCase(zeroSerials(r.packet), { authoritative: c.rcode !== 'SERVFAIL', ...c });
      });
    }
  });
}

test('answers keep the letter case of the question (CoreDNS: a.SERVer1.dEv.region1.skydns.tEst. SRV)', async () => {
  await load(lookup);
  for (const transport of ['udp', 'tcp'] as const) {
    const r = await server.query('a.SERVer1.dEv.region1.skydns.tEst.', 'SRV', { transport });
    assert.equal(r.packet.answers?.[0]?.name, 'a.SERVer1.dEv.region1.skydns.tEst');
    assertCase(r.packet, { qname: 'a.server1.dev.region1.skydns.test.', qtype: 'SRV', answer: ['a.server1.dev.region1.skydns.test. 300 SRV 10 100 8080 dev.server1.'] });
  }
});
