import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PodIndex } from '../src/pod-index.js';
import { WordTable } from '../src/word-table.js';

test('WordTable: rows found by their leading words, removed with the rows after them shifted back', () => {
  // Width 2, hashed on word 0: many rows share a key, so probes run long and wrap around.
  const table = new WordTable(2, 1);
  const model: [number, number][] = [];
  let seed = 7;
  const random = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const rowsOf = (k: number): number[] => {
    const out: number[] = [];
    for (let s = table.find([k], 1, table.home([k])); s >= 0; s = table.find([k], 1, s + 1)) out.push(table.word(s, 1));
    return out.sort((a, b) => a - b);
  };
  for (let step = 0; step < 20_000; step++) {
    if (model.length > 0 && random(3) === 0) {
      const [k, v] = model.splice(random(model.length), 1)[0]!;
      const slot = table.find([k, v], 2, table.home([k]));
      assert.ok(slot >= 0, `row ${k},${v} is there to remove`);
      table.removeAt(slot);
    } else {
      const row: [number, number] = [random(50), step];
      model.push(row);
      table.insert(row);
    }
    if (step % 997 === 0 || step > 19_900) {
      assert.equal(table.size, model.length);
      for (let k = 0; k < 50; k++) {
        assert.deepEqual(
          rowsOf(k),
          model
            .filter(([mk]) => mk === k)
            .map(([, v]) => v)
            .sort((a, b) => a - b),
        );
      }
    }
  }
  // Emptied, it shrinks back and still works.
  for (const [k, v] of model.splice(0)) table.removeAt(table.find([k, v], 2, table.home([k])));
  assert.equal(table.size, 0);
  assert.equal(table.find([1], 1, table.home([1])), -1);
});

test('PodIndex: the namespaces of the pods at an address, as pods come, move and go', () => {
  const pods = new PodIndex();
  pods.set('default', 'web-0', ['10.244.0.13']);
  pods.set('kube-system', 'coredns-1', ['10.244.0.2']);
  // Host-network pods share their node's address.
  pods.set('kube-system', 'kube-proxy-a', ['192.168.49.2']);
  pods.set('monitoring', 'node-exporter-a', ['192.168.49.2']);
  // Dual-stack: one address per family.
  pods.set('default', 'dual', ['10.244.0.20', 'fd00:10:244::20']);
  assert.equal(pods.size, 5);
  assert.equal(pods.namespaceOf('10.244.0.13'), 'default');
  assert.equal(pods.namespaceOf('fd00:10:244::20'), 'default');
  assert.equal(pods.namespaceOf('fd00:10:244:0::20'), 'default', 'any spelling of the address');
  assert.equal(pods.namespaceOf('10.244.0.99'), null);
  assert.equal(pods.namespaceOf('not an address'), null);
  assert.equal(pods.namespaceOf('10.244.0'), null);
  assert.equal(pods.namespaceOf('10.244.0.256'), null);
  assert.ok(pods.has('192.168.49.2', 'kube-system'));
  assert.ok(pods.has('192.168.49.2', 'monitoring'));
  assert.ok(!pods.has('192.168.49.2', 'default'));
  assert.ok(!pods.has('10.244.0.13', 'kube-system'));
  assert.ok(!pods.has('10.244.0.13', 'nowhere'));

  // The same pod again (a MODIFIED event that changed nothing DNS reads).
  pods.set('default', 'web-0', ['10.244.0.13']);
  assert.equal(pods.size, 5);
  // A pod whose sandbox came back with a new address: the old one is no longer its.
  pods.set('default', 'web-0', ['10.244.0.14']);
  assert.equal(pods.namespaceOf('10.244.0.13'), null);
  assert.equal(pods.namespaceOf('10.244.0.14'), 'default');
  // One of two host-network pods goes: the other stays.
  assert.equal(pods.delete('kube-system', 'kube-proxy-a'), true);
  assert.ok(!pods.has('192.168.49.2', 'kube-system'));
  assert.ok(pods.has('192.168.49.2', 'monitoring'));
  // Terminating: no address, so no pod here; deleting it after is nothing.
  pods.set('default', 'dual', []);
  assert.equal(pods.namespaceOf('10.244.0.20'), null);
  assert.equal(pods.namespaceOf('fd00:10:244::20'), null);
  assert.equal(pods.delete('default', 'dual'), false);
  // A pod with no address yet, then one.
  pods.set('batch', 'job-x', []);
  assert.equal(pods.size, 3);
  pods.set('batch', 'job-x', ['10.244.1.5']);
  assert.equal(pods.namespaceOf('10.244.1.5'), 'batch');
  assert.equal(pods.size, 4);
  // Same name, another namespace: another pod.
  pods.set('other', 'job-x', ['10.244.1.6']);
  assert.equal(pods.namespaceOf('10.244.1.5'), 'batch');
  assert.equal(pods.size, 5);
});

test('PodIndex: a namespace id is reused once no pod holds it', () => {
  const pods = new PodIndex();
  pods.set('ci-1', 'a', ['10.0.0.1']);
  pods.delete('ci-1', 'a');
  pods.set('ci-2', 'a', ['10.0.0.1']);
  assert.equal(pods.namespaceOf('10.0.0.1'), 'ci-2');
  assert.ok(!pods.has('10.0.0.1', 'ci-1'));
});

test('PodIndex agrees with a plain model through 100,000 random changes', () => {
  const pods = new PodIndex();
  const model = new Map<string, { ns: string; ips: string[] }>();
  let seed = 11;
  const random = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const address = (): string[] => {
    const roll = random(10);
    if (roll === 0) return [];
    const v4 = `10.${random(2)}.${random(4)}.${random(256)}`;
    return roll === 1 ? [v4, `fd00::${random(64).toString(16)}`] : [v4];
  };
  for (let step = 0; step < 100_000; step++) {
    const ns = `ns-${random(20)}`;
    const name = `pod-${random(3000)}`;
    if (random(4) === 0) {
      pods.delete(ns, name);
      model.delete(`${ns}/${name}`);
    } else {
      const ips = address();
      pods.set(ns, name, ips);
      model.set(`${ns}/${name}`, { ns, ips });
    }
  }
  const byIp = new Map<string, Set<string>>();
  for (const { ns, ips } of model.values()) for (const ip of ips) byIp.set(ip, (byIp.get(ip) ?? new Set()).add(ns));
  assert.equal(pods.size, [...model.values()].filter((p) => p.ips.length > 0).length);
  for (let a = 0; a < 2; a++) {
    for (let b = 0; b < 4; b++) {
      for (let c = 0; c < 256; c++) {
        const ip = `10.${a}.${b}.${c}`;
        const want = byIp.get(ip);
        const got = pods.namespaceOf(ip);
        if (want === undefined) assert.equal(got, null, ip);
        else assert.ok(got !== null && want.has(got), `${ip}: ${got} is one of ${[...want].join(' ')}`);
        for (let n = 0; n < 20; n++) assert.equal(pods.has(ip, `ns-${n}`), want?.has(`ns-${n}`) ?? false, `${ip} in ns-${n}`);
      }
    }
  }
  for (let i = 0; i < 64; i++) {
    const ip = `fd00::${i.toString(16)}`;
    for (let n = 0; n < 20; n++) assert.equal(pods.has(ip, `ns-${n}`), byIp.get(ip)?.has(`ns-${n}`) ?? false, `${ip} in ns-${n}`);
  }
});
