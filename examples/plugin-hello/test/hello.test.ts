import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { makeRequest, serveWith } from '@chaindns/core/testing';
import { createHello, hello } from '../src/index.js';

test('hello parses its zones and name', () => {
  const d = parseCorefile('. {\n  hello example.org {\n    name chaindns\n  }\n}').blocks[0]!.directives[0]!;
  assert.deepEqual(hello.parse(d, { zones: ['.'], port: 53, warn: () => {} }), { name: 'chaindns', zones: ['example.org.'] });
  const bad = parseCorefile('. {\n  hello {\n    nick x\n  }\n}').blocks[0]!.directives[0]!;
  assert.throws(() => hello.parse(bad, { zones: ['.'], port: 53, warn: () => {} }), /Corefile:3: hello: unknown property "nick", expected one of: name/);
});

test('hello answers TXT in its zones and passes the rest on', async () => {
  const handler = createHello({ name: 'you', zones: ['example.org.'] });
  const txt = await serveWith(handler, makeRequest('a.example.org', 'TXT'));
  assert.equal(((txt.recorder.packet().answers?.[0] as { data: Buffer[] }).data[0] ?? '').toString(), 'hello, you');
  const other = await serveWith(handler, makeRequest('a.example.net', 'TXT'));
  assert.equal(other.rcode, 2);
  assert.equal(other.recorder.msg, null);
});
