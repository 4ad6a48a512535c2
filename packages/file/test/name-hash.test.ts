import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeName } from '@chaindns/core';
import { NameFilter, textNameHash, wireNameHash } from '../src/name-hash.js';

const names = ['.', 'org.', 'example.org.', 'www.example.org.', 'WWW.Example.ORG.', 'a\\.b.example.org.', 'tab\\009x.example.', 'x\\046y.example.', '*.wild.example.org.', `${'a'.repeat(63)}.example.`];

test("a name's hash is the same from its text and from its wire form, letters folded", () => {
  for (const name of names) assert.equal(textNameHash(name), wireNameHash(encodeName(name), 0, encodeName(name).length), name);
  assert.equal(textNameHash('WWW.Example.ORG.'), textNameHash('www.example.org.'));
  assert.notEqual(textNameHash('www.example.org.'), textNameHash('ww.wexample.org.'));
});

test('the filter holds every name it was built from, and turns most others away', () => {
  const held = Array.from({ length: 20_000 }, (_, i) => `h${i}.bench.example.`);
  const filter = new NameFilter(held.length);
  for (const name of held) filter.add(textNameHash(name));
  for (const name of held) assert.ok(filter.mayHold(textNameHash(name)), name);
  let passed = 0;
  for (let i = 0; i < 20_000; i++) if (filter.mayHold(textNameHash(`nx${i}.bench.example.`))) passed++;
  assert.ok(passed < 20_000 * 0.2, `${passed} of 20000 absent names passed the filter`);
});
