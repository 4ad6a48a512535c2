import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyTree } from '../src/key-tree.js';
import { basePath, keyDomain, keyPath, labels, wildcardPath } from '../src/path.js';
import { group, hostType, parseStored, type Service, split255, target, withDefaults } from '../src/service.js';

const svc = (fields: Partial<Service> & { key: string }): Service => withDefaults({ ...parseStored('{}'), ...fields }, fields.key, 0);

test('parseStored decodes as Go decodes into msg.Service', async (t) => {
  const cases: { json: string; want?: object; error?: RegExp }[] = [
    { json: '{"host":"10.0.0.1","port":8080,"priority":5,"weight":7,"text":"t","mail":true,"ttl":60,"targetstrip":1,"group":"g"}', want: { host: '10.0.0.1', port: 8080, priority: 5, weight: 7, text: 't', mail: true, ttl: 60, targetstrip: 1, group: 'g' } },
    // Field names match without regard to case; unknown fields and nulls are ignored.
    { json: '{"Host":"a.example","PORT":1,"other":[1,2],"text":null}', want: { host: 'a.example', port: 1 } },
    { json: 'null', want: {} },
    { json: '{"port":"80"}', error: /cannot unmarshal "80" into field port/ },
    { json: '{"port":80.5}', error: /into field port/ },
    { json: '{"ttl":-1}', error: /into field ttl/ },
    { json: '{"ttl":4294967296}', error: /into field ttl/ },
    { json: '{"mail":"yes"}', error: /into field mail/ },
    { json: '[]', error: /cannot unmarshal array/ },
    { json: '"x"', error: /cannot unmarshal string/ },
    { json: '{"host":', error: /JSON/ },
  ];
  for (const c of cases) {
    await t.test(c.json, () => {
      if (c.error) assert.throws(() => parseStored(c.json), c.error);
      else assert.deepEqual(parseStored(c.json), { ...parseStored('{}'), ...c.want });
    });
  }
});

test('withDefaults: priority 10 and CoreDNS TTL(): the smaller of the record TTL and the lease TTL, 300 when neither', () => {
  const s = parseStored('{"host":"x"}');
  assert.equal(withDefaults(s, '/k', 0).priority, 10);
  assert.equal(withDefaults(s, '/k', 0).ttl, 300);
  assert.equal(withDefaults(s, '/k', 120).ttl, 120);
  assert.equal(withDefaults({ ...s, ttl: 60 }, '/k', 120).ttl, 60);
  assert.equal(withDefaults({ ...s, ttl: 600 }, '/k', 120).ttl, 120);
  assert.equal(withDefaults({ ...s, ttl: 600 }, '/k', 0).ttl, 600);
});

test("hostType: CoreDNS's msg TestType, and IPv4-mapped IPv6 as IPv4", () => {
  const cases: [string, string, string, string?][] = [
    ['example.org', '', 'CNAME'],
    ['127.0.0.1', '', 'A', '127.0.0.1'],
    ['2000::3', '', 'AAAA', '2000::3'],
    ['2000..3', '', 'CNAME'],
    ['127.0.0.257', '', 'CNAME'],
    ['127.0.0.252', 'a', 'A', '127.0.0.252'],
    ['', 'a', 'TXT'],
    ['name', 'a', 'TXT'],
    ['::ffff:10.1.2.3', '', 'A', '10.1.2.3'],
    ['0:0:0:0:0:ffff:a01:203', '', 'A', '10.1.2.3'],
    ['fe80::1%eth0', '', 'CNAME'],
  ];
  for (const [host, text, type, ip] of cases) assert.deepEqual(hostType(host, text), ip ? { type, ip } : { type }, host);
});

test("split255: CoreDNS's TestSplit255 (a text of exactly 255 bytes gets a trailing empty string there too)", () => {
  const lens = (s: string): number[] => split255(s).map((b) => b.length);
  assert.deepEqual(lens('abc'), [3]);
  assert.deepEqual(lens('a'.repeat(255)), [255, 0]);
  assert.deepEqual(lens('a'.repeat(256)), [255, 1]);
  assert.deepEqual(lens('a'.repeat(511)), [255, 255, 1]);
  assert.deepEqual(lens('é'.repeat(200)), [255, 145], 'bytes, not characters');
});

test("group: CoreDNS's TestGroup", () => {
  const s = (host: string, g: string, key: string): Service => svc({ host, group: g, key });
  const hosts = (sx: readonly Service[]): string[] => sx.map((x) => x.key);
  assert.deepEqual(hosts(group([s('127.0.0.1', 'g1', 'b/sub/dom1/skydns/test'), s('127.0.0.2', 'g2', 'a/dom1/skydns/test')])), ['a/dom1/skydns/test']);
  assert.equal(group([s('server1', 'g1', 'region1/skydns/test'), s('server2', 'g2', 'region1/skydns/test')]).length, 2);
  assert.equal(group([s('server1', 'g1', 'a/dom/region1/skydns/test'), s('server2', 'g2', 'a/subdom/dom/region1/skydns/test')]).length, 1);
  assert.equal(group([s('server1', 'g1', 'a/dom/region1/skydns/test'), s('server2', 'g2', 'a/subdom/dom/region1/skydns/test'), s('server2', '', 'b/subdom/dom/region1/skydns/test')]).length, 2);
  assert.equal(group([s('server1', 'g1', 'a/dom/region1/skydns/test'), s('server1', '', 'b/dom/region1/skydns/test'), s('server2', 'g2', 'a/subdom/dom/region1/skydns/test')]).length, 2);
  assert.equal(group([s('server1', 'g5', 'a/dom/region1/skydns/test'), s('server1', '', 'b/dom/region1/skydns/test'), s('server2', 'g5', 'a/subdom/dom/region1/skydns/test')]).length, 3);
  assert.equal(group([s('server1', 'g6', 'a/dom/region1/skydns/test')]).length, 1);
  assert.equal(group([s('server1', '', 'a/dom/region1/skydns/test')]).length, 1);
});

test("paths: CoreDNS's msg TestPath and TestDomain, wildcards, escaped dots", () => {
  for (const prefix of ['mydns', 'skydns']) assert.equal(keyPath('service.staging.skydns.local.', basePath(prefix)), `/${prefix}/local/skydns/staging/service`);
  assert.equal(keyDomain('/skydns/local/cluster/staging/service/', '/skydns'), 'service.staging.cluster.local.');
  assert.equal(keyDomain('/skydns/local/cluster/staging/service', '/skydns'), 'service.staging.cluster.local.');
  assert.equal(keyDomain('/a/b/local/x', '/a/b'), 'x.local.');
  assert.equal(keyPath('.', '/skydns'), '/skydns');
  assert.equal(basePath('/skydns/'), '/skydns');
  assert.equal(basePath('/'), '/');
  assert.equal(keyPath('x.test.', '/'), '/test/x');
  assert.deepEqual(wildcardPath('prod.*.skydns.test.', '/skydns'), { path: '/skydns/test/skydns', star: true });
  assert.deepEqual(wildcardPath('any.skydns.test.', '/skydns'), { path: '/skydns/test/skydns', star: true });
  assert.deepEqual(wildcardPath('a.skydns.test.', '/skydns'), { path: '/skydns/test/skydns/a', star: false });
  assert.deepEqual(labels('a\\.b.c.'), ['a\\.b', 'c']);
});

test('targetstrip strips labels from the left, the whole name when there are not that many', () => {
  assert.equal(target(svc({ host: 'ns1.c.ns.dns.skydns.test', targetstrip: 1, key: 'k' })), 'c.ns.dns.skydns.test.');
  assert.equal(target(svc({ host: 'a.b', targetstrip: 5, key: 'k' })), 'a.b.');
  assert.equal(target(svc({ host: 'a\\.b.c', targetstrip: 1, key: 'k' })), 'c.');
});

test('KeyTree: exact keys and prefix ranges in key order; deleting prunes; any depth', () => {
  const tree = new KeyTree();
  const put = (key: string, lease = '0'): string | null => tree.set(svc({ host: key, key }), lease);
  for (const k of ['/s/x/a-b/c', '/s/x/a/c', '/s/x', '/s/xy', '/s/x/', '/s/x/a']) put(k);
  assert.deepEqual(tree.below('/s/x').map((e) => e.key), ['/s/x/', '/s/x/a', '/s/x/a-b/c', '/s/x/a/c'], "etcd's order: by key bytes");
  assert.equal(tree.get('/s/x')?.key, '/s/x');
  assert.equal(tree.get('/s/x/a/'), null);
  assert.equal(put('/s/x/a', '7'), '0', 'the lease of the entry replaced');
  assert.equal(tree.delete('/s/x/a'), '7');
  assert.equal(tree.delete('/s/x/a'), null);
  assert.equal(tree.size, 5);
  for (const k of ['/s/x/a-b/c', '/s/x/a/c', '/s/x', '/s/xy', '/s/x/']) tree.delete(k);
  assert.equal(tree.size, 0);
  assert.deepEqual(tree.below('/s'), []);
  assert.deepEqual(tree.below('/'), []);
  const deep = `/s/${'d/'.repeat(100_000)}z`;
  put(deep);
  assert.equal(tree.below('/s').length, 1);
  tree.delete(deep);
  assert.equal(tree.size, 0);
});
