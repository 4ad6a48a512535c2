import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata } from '../src/metadata.js';
import { InflightCounter, type Route, Router } from '../src/server/router.js';

const route = (): Route => ({ chain: () => 0, owner: new InflightCounter(), anyClass: false, view: null, metadata: null });

test('a query goes to the longest zone that is a suffix of its name, by whole labels', () => {
  const cases: { zones: string[]; name: string; want: string | null }[] = [
    { zones: ['.'], name: 'www.example.org.', want: '.' },
    { zones: ['.'], name: '.', want: '.' },
    { zones: ['example.org.'], name: 'example.org.', want: 'example.org.' },
    { zones: ['example.org.'], name: 'www.example.org.', want: 'example.org.' },
    { zones: ['example.org.'], name: 'wwwexample.org.', want: null },
    { zones: ['example.org.'], name: 'org.', want: null },
    { zones: ['example.org.'], name: '.', want: null },
    { zones: ['example.org.', 'sub.example.org.'], name: 'a.sub.example.org.', want: 'sub.example.org.' },
    { zones: ['example.org.', 'sub.example.org.'], name: 'a.bsub.example.org.', want: 'example.org.' },
    { zones: ['example.org.', '.'], name: 'example.net.', want: '.' },
    { zones: ['example.org.', '.'], name: 'x.example.org.', want: 'example.org.' },
    { zones: ['example.org.', '.'], name: '.', want: '.' },
    // An escaped dot is inside a label: `a\.example.org.` is one label under org.
    { zones: ['example.org.'], name: 'a\\.example.org.', want: null },
    { zones: ['example.org.', 'org.'], name: 'a\\.example.org.', want: 'org.' },
    { zones: ['b\\.c.'], name: 'a.b\\.c.', want: 'b\\.c.' },
  ];
  for (const c of cases) {
    const router = new Router('dns', null, 53);
    for (const z of c.zones) router.add(z, route());
    assert.equal(router.match({ qname: c.name })?.zone ?? null, c.want, `${c.zones.join(' ')}: ${c.name}`);
  }
});

test('a listener serving only the root zone does not read the name', () => {
  const router = new Router('dns', null, 53);
  const r = route();
  router.add('.', r);
  const req = {
    get qname(): string {
      throw new Error('read');
    },
  };
  assert.equal(router.match(req)?.route, r);
});

test('blocks of one zone with views: the first, in order, whose view accepts the query; then shorter zones', () => {
  const viewed = (name: string, accept: (q: { qname: string }) => boolean): Route => ({ ...route(), view: { name, accept } });
  const router = new Router('dns', null, 53);
  const a = viewed('a', (q) => q.qname.startsWith('a.'));
  const b = viewed('b', (q) => q.qname.startsWith('b.'));
  const fallback = route();
  const root = route();
  router.add('example.org.', a);
  router.add('example.org.', fallback);
  router.add('example.org.', b);
  router.add('.', root);
  const pick = (qname: string): { route: Route | undefined; view: string | undefined } => {
    const q: { qname: string; view?: string } = { qname };
    return { route: router.match(q)?.route, view: q.view };
  };
  assert.deepEqual(pick('a.example.org.'), { route: a, view: 'a' });
  // A block without a view before a filtered one shadows it, as in CoreDNS.
  assert.deepEqual(pick('b.example.org.'), { route: fallback, view: undefined });
  assert.deepEqual(pick('c.example.net.'), { route: root, view: undefined });

  // No block of the zone accepts: the next shorter zone serves.
  const only = new Router('dns', null, 53);
  only.add('example.org.', a);
  only.add('org.', fallback);
  assert.equal(only.match({ qname: 'x.example.org.' })?.route, fallback);
  assert.equal(only.match({ qname: 'a.example.org.' })?.route, a);
  const none = new Router('dns', null, 53);
  none.add('example.org.', a);
  assert.equal(none.match({ qname: 'x.example.org.' }), null);
  assert.equal(none.hasUnfiltered('example.org.'), false);
  none.add('example.org.', fallback);
  assert.equal(none.hasUnfiltered('example.org.'), true);
});

test('metadata is made for a block before its view decides; a view that throws does not accept', () => {
  const made: string[] = [];
  const router = new Router('dns', null, 53);
  const throws: Route = { ...route(), view: { name: 'bad', accept: () => { throw new Error('boom'); } }, metadata: () => (made.push('bad'), null) };
  const reads: Route = {
    ...route(),
    view: { name: 'meta', accept: (q) => q.metadata?.get('test/x') === 'yes' },
    metadata: (q) => (made.push('meta'), new Metadata([{ metadata: () => 'yes' }], q)),
  };
  router.add('.', throws);
  router.add('.', reads);
  const q: { qname: string; view?: string; metadata?: Metadata | null } = { qname: 'x.' };
  assert.equal(router.match(q)?.route, reads);
  assert.deepEqual(made, ['bad', 'meta']);
  assert.equal(q.view, 'meta');
  assert.equal(q.metadata?.get('test/x'), 'yes');
});
