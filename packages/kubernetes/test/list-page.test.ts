import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListPageReader } from '../src/list-page.js';
import { jsonListPieces } from '../src/testing/replies.js';

/** Reads `text` in chunks of `size` bytes: the items in the order handed over, the page's head (as first sent) and its end. */
function read(text: string, size: number): { items: unknown[]; head: unknown; headAfter: number; page: unknown; atEnd: number } {
  const items: unknown[] = [];
  let head: unknown;
  let headAfter = -1;
  const reader = new ListPageReader(
    (item) => items.push(item),
    (page) => {
      head = page;
      headAfter = items.length;
    },
  );
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, i + size));
  const before = items.length;
  const page = reader.end();
  return { items, head, headAfter, page, atEnd: items.length - before };
}

const item = (i: number, extra: object = {}): object => ({ metadata: { name: `svc-${i}`, namespace: 'ns', resourceVersion: String(i) }, spec: { ports: [{ port: 80 }] }, ...extra });

test('a list page: every item, in order, and the metadata before the first item, at every chunk size down to one byte', () => {
  const items = [
    item(0),
    // What a cut must not be fooled by: the separator inside a string, and between two objects deeper in an item.
    item(1, { note: '},{"metadata":{"name":"fake"}} \\"quoted\\" ]} é ✓ 𝄞' }),
    item(2, { list: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] }),
    item(3, { data: { 'back\\slash': '\\', empty: {} } }),
    item(4),
  ];
  const page = { kind: 'ServiceList', apiVersion: 'v1', metadata: { resourceVersion: '99', continue: 'next-token' }, items };
  const text = JSON.stringify(page);
  for (const size of [1, 2, 3, 7, 13, 64, 1000, text.length]) {
    const got = read(text, size);
    assert.deepEqual(got.items, items, `chunks of ${size}`);
    assert.deepEqual(got.head, { kind: 'ServiceList', apiVersion: 'v1', metadata: page.metadata, items: [] }, `chunks of ${size}`);
    assert.equal(got.headAfter, 0, `the head before any item, chunks of ${size}`);
    // Every item but the last is handed over as it arrives, each parsed once, not left to the end.
    assert.equal(got.atEnd, 1, `items handed over at the end, chunks of ${size}`);
    assert.deepEqual(got.page, { ...page, items: [] });
  }
});

test('a list page in another layout is still read whole: metadata after the items, whitespace, no items, items null', () => {
  const items = [item(0), item(1)];
  const cases: [string, string, unknown[]][] = [
    ['metadata after the items', JSON.stringify({ kind: 'List', items, metadata: { continue: 'x' } }), items],
    ['indented', JSON.stringify({ kind: 'List', metadata: { continue: 'x' }, items }, null, 2), items],
    ['no items', '{"kind":"List","metadata":{"continue":"x"},"items":[]}', []],
    ['items null', '{"kind":"List","metadata":{"continue":"x"},"items":null}', []],
  ];
  for (const [what, text, want] of cases) {
    for (const size of [1, 5, 100, text.length]) {
      const got = read(text, size);
      assert.deepEqual(got.items, want, `${what}, chunks of ${size}`);
      assert.equal((got.head as { metadata: { continue: string } }).metadata.continue, 'x', `${what}, chunks of ${size}`);
    }
  }
});

test('an item larger than cutting allows (600 KB) in a page of 5,001: the rest of that page is read whole', () => {
  const big = item(2500, { blob: 'x'.repeat(600 * 1024) });
  const items = Array.from({ length: 5001 }, (_, i) => (i === 2500 ? big : item(i)));
  const got = read(JSON.stringify({ kind: 'List', metadata: {}, items }), 16 * 1024);
  assert.deepEqual(got.items, items);
  // The items before the large one as they arrived; from it on, at the end.
  assert.equal(got.atEnd, 2501);
});

test('bad JSON is a SyntaxError: in an item, at the end, or cut short', () => {
  const good = JSON.stringify({ kind: 'List', metadata: {}, items: [item(0), item(1), item(2)] });
  const cases = [good.replace('"svc-1"', '"svc-1'), good.slice(0, -1), good.slice(0, good.length / 2), '{"items":[{"a":1},{"a":}]}'];
  for (const text of cases) {
    assert.throws(() => read(text, 16), SyntaxError, text.slice(0, 80));
  }
});

test("the stand-in's JSON list in pieces is JSON.stringify's text of the list, and reads back item for item", () => {
  const head = { kind: 'ServiceList', apiVersion: 'v1', metadata: { resourceVersion: '9', continue: 'next' } };
  const items = Array.from({ length: 300 }, (_, i) => ({ metadata: { name: `svc-${i}`, namespace: 'ns', labels: { 'é': '"}],{' } }, spec: { clusterIP: `10.0.${i >> 8}.${i & 255}` } }));
  const pieces = [...jsonListPieces(head, items, 2048)];
  assert.ok(pieces.length > 10, `${pieces.length} pieces`);
  const text = Buffer.concat(pieces).toString('utf8');
  assert.equal(text, JSON.stringify({ ...head, items }));
  assert.deepEqual(read(text, 1000).items, items);
  assert.equal(Buffer.concat([...jsonListPieces(head, [])]).toString(), JSON.stringify({ ...head, items: [] }));
});
