import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NameTable } from '../src/name-table.js';
import { Node } from '../src/zone.js';

test('the name table finds every name it holds, grows past its size, and tells apart names that share a hash', () => {
  const table = new NameTable(4);
  const names = Array.from({ length: 5000 }, (_, i) => `h${i}.example.org.`);
  for (const name of names) table.add(new Node(name, null));
  assert.equal(table.size, 5000);
  for (const name of names) assert.equal(table.get(name)?.name, name);
  assert.equal(table.get('nope.example.org.'), undefined);
  assert.equal(table.has('h4999.example.org.'), true);
  // Two names under one (forced) hash: both found, each by its own name.
  table.add(new Node('a.collide.', null), 12345);
  table.add(new Node('b.collide.', null), 12345);
  assert.deepEqual([table.get('a.collide.', 12345)?.name, table.get('b.collide.', 12345)?.name, table.get('c.collide.', 12345)], ['a.collide.', 'b.collide.', undefined]);
  assert.deepEqual([...table.keys()].slice(0, 2), ['h0.example.org.', 'h1.example.org.']);
});
