import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QType, reply } from '@chaindns/core';
import { assertCase, rr } from '@chaindns/core/testing';
import { ask, backend, rewriteOf, serve } from './kit.js';

/** The README's CNAME example: the upstream's chain, and what a lookup of the new target answers. */
const chain = backend(() => ({
  answers: [
    'my-app.com. 200 IN CNAME my-app.example.',
    'my-app.example. 200 IN CNAME my-app.com.cdn.example.net.',
    'my-app.com.cdn.example.net. 300 IN A 20.2.0.1',
    'my-app.com.cdn.example.net. 300 IN A 20.2.0.2',
  ],
}));

function lookups(): { asked: [string, number][]; resolve: (qname: string, qtype: number) => Promise<Buffer> } {
  const asked: [string, number][] = [];
  return {
    asked,
    resolve: async (qname, qtype) => {
      asked.push([qname, qtype]);
      const req = ask(qname, qtype);
      const truncated = reply(req, { answers: [rr(`${qname} 100 IN A 30.3.1.2`)] });
      truncated[2] = truncated[2]! | 0x02;
      return truncated;
    },
  };
}

test('a cname rule rewrites the matching target and answers with a lookup of the new one (CoreDNS cname_target_test.go)', async (t) => {
  const rules: [string, string][] = [
    ['regex', 'rewrite cname regex (.*)\\.cdn\\.example\\.net\\. {1}.other.cdn.com.'],
    ['exact', 'rewrite cname exact my-app.com.cdn.example.net. my-app.com.other.cdn.com.'],
    ['suffix', 'rewrite cname suffix .cdn.example.net. .other.cdn.com.'],
    ['prefix', 'rewrite cname prefix my-app.com.cdn.example.net my-app.com.other.cdn.com'],
    ['substring', 'rewrite cname substring cdn.example.net other.cdn.com'],
  ];
  for (const [label, rule] of rules) {
    await t.test(label, async () => {
      const { asked, resolve } = lookups();
      const result = rewriteOf(rule, resolve).serveDNS(ask('my-app.com', QType.A), { write: () => {} }, chain.next);
      assert.ok(result instanceof Promise, 'the handler waits for the lookup');
      const { recorder } = await serve(rewriteOf(rule, resolve), ask('my-app.com', QType.A), chain.next);
      assert.deepEqual(asked.at(-1), ['my-app.com.other.cdn.com.', QType.A]);
      assertCase(recorder.packet(), {
        qname: 'my-app.com',
        qtype: 'A',
        ordered: true,
        truncated: true,
        answer: ['my-app.com. 200 IN CNAME my-app.example.', 'my-app.example. 200 IN CNAME my-app.com.other.cdn.com.', 'my-app.com.other.cdn.com. 100 IN A 30.3.1.2'],
      });
    });
  }
});

test('no CNAME to rewrite, or a failed lookup, leaves the answer as it was', async () => {
  const { asked, resolve } = lookups();
  const { recorder } = await serve(rewriteOf('rewrite cname regex (.*)\\.cdn\\.other\\.net\\. {1}.x.', resolve), ask('my-app.com', QType.A), chain.next);
  assert.equal(asked.length, 0);
  assert.equal(recorder.packet().answers!.length, 4);

  const failing = async (): Promise<Buffer> => {
    throw new Error('no server');
  };
  const { recorder: r2 } = await serve(rewriteOf('rewrite cname suffix .cdn.example.net. .other.cdn.com.', failing), ask('my-app.com', QType.A), chain.next);
  assert.equal(r2.packet().answers!.length, 4);
  assert.equal(r2.rcode, 0);
});

test('a cname rule applies to every query, so as a stop rule it ends the list', async () => {
  const { resolve } = lookups();
  const h = rewriteOf('rewrite cname suffix .cdn.example.net. .other.cdn.com.\nrewrite name my-app.com other.com', resolve);
  const { next, seen } = backend();
  await serve(h, ask('my-app.com', QType.A), next);
  assert.equal(seen[0]!.qname, 'my-app.com.');
  const c = rewriteOf('rewrite continue cname suffix .cdn.example.net. .other.cdn.com.\nrewrite name my-app.com other.com', resolve);
  await serve(c, ask('my-app.com', QType.A), next);
  assert.equal(seen[1]!.qname, 'other.com.');
});
