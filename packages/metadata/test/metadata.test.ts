import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CapabilityOffers, MetadataProvider } from '@chaindns/core';
import { makeRequest } from '@chaindns/core/testing';
import { createMetadata } from '../src/index.js';

/** Providers as the block's offers give them, each counting what it is asked. */
function offers(...providers: MetadataProvider[]): CapabilityOffers<'metadata'> {
  return { value: providers.map((value, i) => ({ directive: `p${i}`, value })) };
}

test('a query of the zones gets its metadata: asked in chain order on first read, kept for the query', () => {
  const asked: string[] = [];
  const first: MetadataProvider = { metadata: (_req, label) => (asked.push(`first ${label}`), label === 'a/x' ? 'from first' : undefined) };
  const second: MetadataProvider = { metadata: (req, label) => (asked.push(`second ${label}`), label.startsWith('a/') ? `${label} of ${req.qname}` : undefined) };
  const collect = createMetadata(['example.org.'], offers(first, second));
  const md = collect(makeRequest('www.example.org.', 'A'))!;
  assert.deepEqual(asked, [], 'nothing is asked before a label is read');
  assert.equal(md.get('a/x'), 'from first');
  assert.equal(md.get('a/y'), 'a/y of www.example.org.');
  assert.equal(md.get('b/z'), undefined);
  assert.equal(md.get('a/y'), 'a/y of www.example.org.');
  assert.equal(md.get('b/z'), undefined);
  assert.deepEqual(asked, ['first a/x', 'first a/y', 'second a/y', 'first b/z', 'second b/z']);
  // Another query asks again.
  collect(makeRequest('example.org.', 'A'))!.get('a/x');
  assert.equal(asked.length, 6);
});

test('a query outside the zones gets no metadata', () => {
  const collect = createMetadata(['example.org.'], offers({ metadata: () => 'x' }));
  assert.equal(collect(makeRequest('example.net.', 'A')), null);
  assert.notEqual(collect(makeRequest('a.b.example.org.', 'A')), null);
});
