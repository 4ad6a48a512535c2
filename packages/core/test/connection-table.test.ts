import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionTable, type TableEntry } from '../src/index.js';

/** A connection as the table sees it; `closed` records destroy(). */
class Conn implements TableEntry {
  tableNode: object | null = null;
  idle = true;
  closed = false;
  constructor(
    readonly name: string,
    readonly client: string,
    private readonly table: ConnectionTable<Conn>,
  ) {}

  destroy(): void {
    this.closed = true;
    this.table.remove(this);
  }
}

function setUp(max: number, perClient: number) {
  const table = new ConnectionTable<Conn>(max, perClient);
  const open = (name: string, client = '192.0.2.1'): Conn => {
    const c = new Conn(name, client, table);
    return table.admit(c) ? c : Object.assign(c, { closed: true });
  };
  const names = (): string[] => [...table].map((c) => c.name);
  return { table, open, names };
}

test('the least recently used idle connection makes room, of the client first, then of anyone', () => {
  const { table, open, names } = setUp(4, 2);
  const a = open('a');
  const b = open('b');
  table.used(a);
  const c = open('c'); // the client's allowance: b, its least recently used, goes
  assert.equal(b.closed, true);
  assert.deepEqual(names(), ['a', 'c']);
  open('d', '192.0.2.2');
  open('e', '192.0.2.3');
  a.idle = false;
  open('f', '192.0.2.4'); // full: a owes an answer, so c goes
  assert.equal(c.closed, true);
  assert.deepEqual(names(), ['a', 'd', 'e', 'f']);
  assert.equal(table.size, 4);
});

test('a newcomer is refused when no connection it would replace is idle', () => {
  const { table, open, names } = setUp(2, 2);
  const a = open('a');
  const b = open('b', '192.0.2.2');
  a.idle = b.idle = false;
  assert.equal(open('c', '192.0.2.3').closed, true);
  assert.deepEqual(names(), ['a', 'b']);
  table.remove(a);
  table.remove(a); // twice is harmless
  assert.equal(table.size, 1);
  assert.equal(open('d', '192.0.2.3').closed, false);
});

test('iteration goes on when the connection it stands on, or the next, is removed or used', () => {
  const { table, open } = setUp(10, 10);
  const conns = ['a', 'b', 'c', 'd', 'e'].map((n) => open(n));
  const seen: string[] = [];
  for (const c of table) {
    seen.push(c.name);
    if (c.name === 'a') c.destroy();
    if (c.name === 'b') table.used(c);
    if (c.name === 'c') conns[3]!.destroy();
  }
  assert.deepEqual(seen, ['a', 'b', 'c', 'e', 'b']);
  assert.deepEqual([...table].map((c) => c.name), ['c', 'e', 'b']);
});

test('many connections of one query leave the table as it was', () => {
  const { table, open, names } = setUp(1000, 100);
  const keep = open('keep', '192.0.2.9');
  for (let i = 0; i < 10_000; i++) {
    const c = open(`q${i}`, `192.0.2.${i % 3}`);
    table.used(c);
    table.remove(c);
  }
  assert.deepEqual(names(), ['keep']);
  table.remove(keep);
  assert.equal(table.size, 0);
  assert.deepEqual(names(), []);
});
