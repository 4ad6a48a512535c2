import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { encodeName, Rcode } from '@chaindns/core';
import { netnsUnavailable } from '@chaindns/core/testing';
import { type Lookup, SearchPathClassifier } from '../src/search-path.js';
import { FIXTURE, NAMES, recordGlibc, type RecordedLookup, type RecordedQuery } from './glibc.js';

const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as RecordedLookup[];
const rcodeOf = (q: RecordedQuery): number => (q.rcode === 'NXDOMAIN' ? Rcode.NXDOMAIN : Rcode.NOERROR);

/** A classifier for cluster.local and what it reported, fed `queries` (as `client`, when given). */
function classify(queries: readonly RecordedQuery[], client?: string): { lookups: Lookup[]; classifier: SearchPathClassifier } {
  const lookups: Lookup[] = [];
  const classifier = new SearchPathClassifier(['cluster.local.'], (l) => lookups.push(l));
  for (const q of queries) classifier.observe(client ?? q.client, q.qname, rcodeOf(q));
  return { lookups, classifier };
}

const lookupOf = (stack: 'IPv4' | 'dual', name: string): RecordedLookup => fixture.find((l) => l.stack === stack && l.name === name)!;

test('glibc with ndots:5 (the recorded fixture): every search-path expansion is found, and what each fix saves', () => {
  const want = [
    // name asked, the name it ended at, how, expansions per type, what autopath, a trailing dot and ndots 1..4 save per type
    { asked: 'nginx', lookup: null },
    { asked: 'kube-dns.kube-system', lookup: { name: 'kube-dns.kube-system.svc.cluster.local.', ended: 'search', expansions: 1, autopath: 1, dot: 1, ndots: [-1, 0, 0, 0] } },
    { asked: 'kubernetes.default.svc.cluster.local', lookup: { name: 'kubernetes.default.svc.cluster.local.', ended: 'absolute', expansions: 3, autopath: 3, dot: 3, ndots: [3, 3, 3, 3] } },
    { asked: 'www.example.com', lookup: { name: 'www.example.com.', ended: 'absolute', expansions: 3, autopath: 3, dot: 3, ndots: [3, 3, 0, 0] } },
    { asked: 'nosuch', lookup: { name: 'nosuch.', ended: 'nxdomain', expansions: 3, autopath: 0, dot: 3, ndots: [0, 0, 0, 0] } },
    { asked: 'www.example.com.', lookup: null },
  ] as const;
  assert.deepEqual(want.map((w) => w.asked), [...NAMES]);
  for (const stack of ['IPv4', 'dual'] as const) {
    const types = stack === 'dual' ? 2 : 1;
    for (const w of want) {
      const { lookups, classifier } = classify(lookupOf(stack, w.asked).queries);
      const l = w.lookup;
      if (l === null) {
        assert.deepEqual(lookups, [], `${stack} ${w.asked}`);
        assert.equal(classifier.expansions, 0);
        continue;
      }
      const saved = { autopath: l.autopath * types, trailing_dot: l.dot * types, ...Object.fromEntries(l.ndots.map((n, i) => [`ndots:${i + 1}`, n * types])) };
      assert.deepEqual(lookups, [{ client: '10.244.0.20', name: l.name, expansions: l.expansions * types, ended: l.ended, continued: false, saved }], `${stack} ${w.asked}`);
      assert.equal(classifier.expansions, l.expansions * types);
    }
  }
});

test('two pods whose searches interleave are told apart by address; a quiet search is reported as unfinished', () => {
  const a = lookupOf('dual', 'www.example.com').queries;
  const b = lookupOf('dual', 'kube-dns.kube-system').queries;
  const lookups: Lookup[] = [];
  const classifier = new SearchPathClassifier(['cluster.local.'], (l) => lookups.push(l));
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) classifier.observe('10.244.0.20', a[i]!.qname, rcodeOf(a[i]!));
    if (b[i]) classifier.observe('10.244.1.7', b[i]!.qname, rcodeOf(b[i]!));
  }
  assert.deepEqual(
    lookups.map((l) => [l.client, l.name, l.expansions]).sort(),
    [
      ['10.244.0.20', 'www.example.com.', 6],
      ['10.244.1.7', 'kube-dns.kube-system.svc.cluster.local.', 2],
    ],
  );
  // The first two steps of a search, then nothing: the first step is an expansion, reported once the search went quiet.
  const quiet = lookupOf('IPv4', 'nosuch').queries.slice(0, 2);
  for (const q of quiet) classifier.observe('10.244.2.9', q.qname, rcodeOf(q));
  classifier.tick(5);
  assert.equal(lookups.length, 2);
  classifier.tick(20);
  assert.deepEqual(lookups[2], { client: '10.244.2.9', name: 'nosuch.', expansions: 1, ended: 'unfinished', continued: false, saved: { autopath: 0, trailing_dot: 1, 'ndots:1': 0, 'ndots:2': 0, 'ndots:3': 0, 'ndots:4': 0 } });
  assert.equal(classifier.open, 0);
});

test('not expansions: an NXDOMAIN nothing follows, a name that answers at once, the next name of another search', () => {
  const { lookups, classifier } = classify([
    { client: 'c', port: 1, qname: 'nosuch.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN' },
    { client: 'c', port: 1, qname: 'other.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR' },
    { client: 'c', port: 1, qname: 'www.example.org.', qtype: 'A', rcode: 'NOERROR' },
  ]);
  assert.deepEqual(lookups, []);
  assert.equal(classifier.expansions, 0);
  classifier.tick(60);
  assert.deepEqual(lookups, []);
});

test('memory is bounded: a flood of NXDOMAIN names from many clients keeps at most 4 searches a client and 10,000 clients', () => {
  const classifier = new SearchPathClassifier(['cluster.local.'], () => {});
  for (let i = 0; i < 30_000; i++) classifier.observe(`10.0.${i % 12_000}.1`, `n${i}.default.svc.cluster.local.`, Rcode.NXDOMAIN);
  assert.ok(classifier.open <= 10_000 * 4, `${classifier.open} searches open`);
  for (let i = 0; i < 10; i++) classifier.observe('10.9.9.9', `m${i}.default.svc.cluster.local.`, Rcode.NXDOMAIN);
  classifier.tick(100);
  assert.equal(classifier.open, 0);
});

test('wants(): a query under the cluster domain (any letter case) or from a client with a search open; nothing else', () => {
  const classifier = new SearchPathClassifier(['cluster.local.'], () => {});
  const question = (name: string): { msg: Buffer; nameEnd: number } => {
    const wire = encodeName(name);
    return { msg: Buffer.concat([Buffer.alloc(12), wire, Buffer.from([0, 1, 0, 1])]), nameEnd: 12 + wire.length };
  };
  const asks = (client: string, name: string): boolean => {
    const q = question(name);
    return classifier.wants({ msg: q.msg, nameEnd: q.nameEnd, remote: { address: client } });
  };
  assert.equal(asks('a', 'nginx.default.svc.Cluster.LOCAL.'), true);
  assert.equal(asks('a', 'cluster.local.'), true);
  assert.equal(asks('a', 'www.example.com.'), false);
  assert.equal(asks('a', 'xcluster.local.'), false);
  classifier.observe('a', 'www.example.com.default.svc.cluster.local.', Rcode.NXDOMAIN);
  assert.equal(asks('a', 'www.example.com.'), true);
  assert.equal(asks('b', 'www.example.com.'), false);
});

// The fixture is what glibc sends: recorded again here, it must still be the same names in the same order.
const skip = netnsUnavailable({ mount: true }) ?? (commandMissing('getent') ? 'getent (libc-bin) is not installed' : false);
test('glibc here still sends what the fixture holds (getent ahosts in a network namespace, a pod’s resolv.conf)', { skip }, async () => {
  const now = await recordGlibc();
  const shape = (lookups: readonly RecordedLookup[]): string[] => lookups.flatMap((l) => l.queries.map((q) => `${l.stack} ${l.name}: ${q.client} ${q.qtype} ${q.qname} ${q.rcode}`));
  assert.deepEqual(shape(now), shape(fixture));
});

function commandMissing(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
}
