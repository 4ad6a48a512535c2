import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { ready, type ReadyConfig } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };
const parse = (text: string) => ready.parse(parseCorefile(text).blocks[0]!.directives[0]!, ctx);

test('ready parses an address and monitor', async (t) => {
  const cases: { corefile: string; want?: ReadyConfig; error?: RegExp }[] = [
    { corefile: '. {\n ready\n}', want: { address: { host: '', port: 8181 }, continuously: false } },
    { corefile: '. {\n ready localhost:8181\n}', want: { address: { host: 'localhost', port: 8181 }, continuously: false } },
    { corefile: '. {\n ready 127.0.0.1:8182 {\n  monitor continuously\n }\n}', want: { address: { host: '127.0.0.1', port: 8182 }, continuously: true } },
    { corefile: '. {\n ready {\n  monitor until-ready\n }\n}', want: { address: { host: '', port: 8181 }, continuously: false } },
    { corefile: '. {\n ready :8181 :8182\n}', error: /Corefile:2: ready: expected 0 to 1 arguments, got 2/ },
    { corefile: '. {\n ready ::1:8181\n}', error: /Corefile:2: ready: address "::1:8181" has too many colons/ },
    { corefile: '. {\n ready {\n  monitor sometimes\n }\n}', error: /Corefile:3: ready: monitor: expected one of until-ready, continuously, got "sometimes"/ },
    { corefile: '. {\n ready {\n  monitor\n }\n}', error: /Corefile:3: ready: monitor: expected 1 argument, got 0/ },
    { corefile: '. {\n ready {\n  lameduck 5s\n }\n}', error: /Corefile:3: ready: unknown property "lameduck", expected one of: monitor/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), () => {
      if (c.error) assert.throws(() => parse(c.corefile), c.error);
      else assert.deepEqual(parse(c.corefile), c.want);
    });
  }
});
