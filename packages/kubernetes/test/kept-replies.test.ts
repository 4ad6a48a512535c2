import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery, type Handler, parseRequest, QType, Rcode, Request } from '@chaindns/core';
import { serveWith } from '@chaindns/core/testing';
import { encodeBare } from '../src/encode.js';
import { type ClusterIndex, toNamespace, toService, toSlice } from '../src/index.js';
import { KeptReplies } from '../src/kept-replies.js';
import { cacheBefore } from '../src/setup.js';
import { endpointSlice, namespace, service } from '../src/testing/index.js';
import { buildIndex, coreDnsCluster, handler } from './cluster.js';

interface Ask {
  readonly id?: number;
  readonly edns?: boolean;
  /** Header flags of the query: RD by default. */
  readonly rd?: boolean;
  readonly cd?: boolean;
}

/** A query as a client sends it: its ID, RD and CD bits, an OPT or none. */
function query(name: string, qtype: number, ask: Ask = {}): Request {
  const msg = buildQuery(name, qtype, { id: ask.id ?? 1, ...(ask.edns ? { edns: { udpSize: 1232 } } : {}) });
  if (ask.rd === false) msg[2] = msg[2]! & ~0x01;
  if (ask.cd) msg[3] = msg[3]! | 0x10;
  const req = parseRequest(msg, 'udp', { address: '127.0.0.1', port: 53000, family: 4 });
  assert.ok(req instanceof Request);
  req.zone = '.';
  req.server = 'dns://:53';
  return req;
}

const refused = () => Rcode.REFUSED;
const typeName = (qtype: number): string => ({ [QType.A]: 'A', [QType.AAAA]: 'AAAA', [QType.SRV]: 'SRV', [QType.TXT]: 'TXT' })[qtype] ?? String(qtype);

async function answer(h: Handler, name: string, qtype: number, ask: Ask = {}): Promise<Buffer | null> {
  const { recorder } = await serveWith(h, query(name, qtype, ask), refused);
  return recorder.msg ?? null;
}

/** Asks `h` (which may hold kept replies) and a handler that has never answered anything over the same index: the same bytes. */
async function sameAsFresh(h: Handler, index: ClusterIndex, name: string, qtype: number, ask: Ask = {}): Promise<void> {
  const kept = await answer(h, name, qtype, ask);
  const fresh = await answer(handler({ index }), name, qtype, ask);
  assert.deepEqual(kept, fresh, `${name} ${typeName(qtype)} ${JSON.stringify(ask)}`);
}

// Names of every kind the handler answers for under a service, and some it answers otherwise.
const names = [
  'svc1.testns.svc.cluster.local',
  'SVC1.TestNS.svc.Cluster.Local',
  'hdls1.testns.svc.cluster.local',
  '172-0-0-2.hdls1.testns.svc.cluster.local',
  'dup-name.hdls1.testns.svc.cluster.local',
  '_http._tcp.hdls1.testns.svc.cluster.local',
  '_HTTP._tcp.hdls1.testns.svc.CLUSTER.local',
  '_http._tcp.svc1.testns.svc.cluster.local',
  'svc-dual-stack.testns.svc.cluster.local',
  'svc6.testns.svc.cluster.local',
  'external.testns.svc.cluster.local',
  'external-to-service.testns.svc.cluster.local',
  'svc0.testns.svc.cluster.local',
  'svc1.unexposedns.svc.cluster.local',
  'nobody.testns.svc.cluster.local',
  'testns.svc.cluster.local',
  'cluster.local',
];

test('a question asked again is answered with the bytes of a fresh answer, made the asking query its own (and so without keeping)', async () => {
  for (const keepReplies of [true, false]) {
    const index = buildIndex(coreDnsCluster);
    const h = handler({ index, keepReplies });
    const asks: Ask[] = [{}, { id: 0xbeef, edns: true }, { id: 7, rd: false, cd: true }, { id: 9, edns: true, cd: true }];
    for (const name of names) {
      for (const qtype of [QType.A, QType.AAAA, QType.SRV, QType.TXT]) {
        for (const ask of asks) await sameAsFresh(h, index, name, qtype, ask);
      }
    }
  }
});

test('replies are kept unless a cache runs before kubernetes in the block', () => {
  const cases: [string[], boolean][] = [
    [['errors', 'prometheus', 'kubernetes', 'forward'], false],
    [['errors', 'cache', 'kubernetes', 'forward'], true],
    [['kubernetes', 'cache', 'forward'], false],
    [['kubernetes'], false],
  ];
  for (const [plugins, before] of cases) assert.equal(cacheBefore(plugins), before, plugins.join(' '));
});

test('kept replies follow the cluster: endpoints, the service, its deletion, its namespace, the SOA serial', async (t) => {
  let clock = 1000;
  const index = buildIndex(coreDnsCluster, () => clock);
  const h = handler({ index });
  const questions: [string, number][] = [
    ['hdls1.testns.svc.cluster.local', QType.A],
    ['_http._tcp.hdls1.testns.svc.cluster.local', QType.SRV],
    ['172-0-0-2.hdls1.testns.svc.cluster.local', QType.A],
    ['svc1.testns.svc.cluster.local', QType.A],
    ['svc1.testns.svc.cluster.local', QType.AAAA],
    ['svc1.testns.svc.cluster.local', QType.SRV],
  ];
  const changes: [string, () => void][] = [
    ['a slice of hdls1 changes', () => index.setSlice(toSlice(endpointSlice('testns', 'hdls1-v4', 'hdls1', { endpoints: [{ ip: '172.0.0.9' }], ports: [{ name: 'http', port: 80 }] }), index.interner))],
    ['a second slice of hdls1 arrives', () => index.setSlice(toSlice(endpointSlice('testns', 'hdls1-v4b', 'hdls1', { endpoints: [{ ip: '172.0.0.2' }], ports: [{ name: 'http', port: 81 }] }), index.interner))],
    ['that slice goes', () => index.deleteSlice('testns', 'hdls1-v4b')],
    ['svc1 gets a new address and port', () => index.setService(toService(service('testns', 'svc1', { clusterIP: '10.0.0.77', ports: [{ name: 'http', port: 8080 }] }), index.interner))],
    ['svc1 is deleted', () => index.deleteService('testns', 'svc1')],
    ['svc1 comes back', () => index.setService(toService(service('testns', 'svc1', { clusterIP: '10.0.0.78', ports: [{ name: 'http', port: 80 }] }), index.interner))],
    ['the namespace is deleted', () => index.deleteNamespace('testns')],
    ['the namespace comes back', () => index.setNamespace(toNamespace(namespace('testns')))],
    ['anything else changes later (the SOA serial)', () => index.setService(toService(service('other', 'x', { clusterIP: '10.9.9.9' }), index.interner))],
  ];
  for (const [name, qtype] of questions) await sameAsFresh(h, index, name, qtype);
  for (const [what, change] of changes) {
    clock += 10;
    change();
    for (const [name, qtype] of questions) {
      await answer(h, name, qtype); // the reply as built or kept after the change
      await t.test(`${what}: ${name} ${typeName(qtype)}`, () => sameAsFresh(h, index, name, qtype, { id: 3, edns: true }));
    }
  }
});

test('kept replies hold at most their budget: past it, every reply is let go and kept anew', async () => {
  const index = buildIndex([namespace('ns'), ...Array.from({ length: 2000 }, (_, i) => service('ns', `s${i}`, { clusterIP: `10.1.${i >> 8}.${i & 255}` }))]);
  const budget = 3 * 64 * 1024;
  const kept = new KeptReplies(index.versions, () => budget);
  const svc = index.service('s0', 'ns')!;
  const bare = (req: Request) => encodeBare(req, { rcode: 0, answers: [{ name: req.qnameRaw, type: 'A', ttl: 5, class: 'IN', data: '10.1.0.0' }] });
  let most = 0;
  for (let i = 0; i < 5000; i++) {
    const req = query(`s${i % 2000}-${i}.ns.svc.cluster.local`, QType.A);
    assert.ok(kept.keep(req, bare(req), svc, index.namespaceVersion) >= 0);
    most = Math.max(most, kept.held);
  }
  assert.ok(most <= budget, `held ${most} bytes`);
  // The first ones went with a start over; the last one is there.
  assert.equal(kept.find(query('s0-0.ns.svc.cluster.local', QType.A), index.namespaceVersion), -1);
  assert.ok(kept.find(query('s999-4999.ns.svc.cluster.local', QType.A), index.namespaceVersion) >= 0);
});
