import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InflightCounter, type Route, Router } from '../src/server/router.js';

const route = (): Route => ({ chain: () => 0, owner: new InflightCounter(), anyClass: false });

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
