import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { bind, resolveAddresses } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };
const parse = (text: string) => bind.parse(parseCorefile(text).blocks[0]!.directives[0]!, ctx);

test('bind parses addresses, interfaces and except', async (t) => {
  const cases: { corefile: string; want?: string[]; error?: RegExp }[] = [
    { corefile: '. {\n bind 127.0.0.1\n}', want: ['127.0.0.1'] },
    { corefile: '. {\n bind 127.0.0.1 ::1\n}', want: ['127.0.0.1', '::1'] },
    { corefile: '. {\n bind lo {\n  except ::1\n }\n}', want: ['127.0.0.1'] },
    { corefile: '. {\n bind\n}', error: /Corefile:2: bind: expected at least 1 argument/ },
    { corefile: '. {\n bind 300.1.1.1\n}', error: /Corefile:2: bind: "300.1.1.1" is not an IP address or an interface/ },
    { corefile: '. {\n bind lo {\n  only ::1\n }\n}', error: /Corefile:3: bind: unknown property "only", expected one of: except/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), () => {
      if (c.error) assert.throws(() => parse(c.corefile), c.error);
      else assert.deepEqual(resolveAddresses(parse(c.corefile)), c.want);
    });
  }
});

test('bind given twice adds up', () => {
  const a = parse('. {\n bind 127.0.0.1\n}');
  const b = parse('. {\n bind ::1\n}');
  assert.deepEqual(resolveAddresses(bind.combine!([a, b])), ['127.0.0.1', '::1']);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [bind]);
});
