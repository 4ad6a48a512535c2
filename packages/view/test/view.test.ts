import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, type Request } from '@chaindns/core';
import { compileExpression } from '@chaindns/core/expr';
import { makeRequest } from '@chaindns/core/testing';
import { createView } from '../src/index.js';
import { VIEW_FUNCTIONS } from '../src/view.js';

const compile = (source: string) => compileExpression<Request>(source, { functions: VIEW_FUNCTIONS });

function logged(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger({ sink: (line) => lines.push(line) }).child('plugin/view') };
}

test('a view takes a query when every expression is true (CoreDNS TestView)', () => {
  const { log } = logged();
  const from = (address: string): Request => makeRequest('www.example.com.', 'A', { remote: { address, port: 40000, family: address.includes(':') ? 6 : 4 } });
  const cases: { exprs: string[]; req: Request; want: boolean }[] = [
    { exprs: [], req: from('10.0.0.1'), want: true },
    { exprs: ["incidr(client_ip(), '10.0.0.0/24')"], req: from('10.0.0.1'), want: true },
    { exprs: ["incidr(client_ip(), '10.0.0.0/24')"], req: from('10.0.1.1'), want: false },
    { exprs: ["incidr(client_ip(), '10.0.0.0/24')", "name() == 'www.example.com.'"], req: from('10.0.0.1'), want: true },
    { exprs: ["incidr(client_ip(), '10.0.0.0/24')", "name() == 'example.com.'"], req: from('10.0.0.1'), want: false },
    { exprs: ["type() in ['A', 'AAAA']"], req: from('::1'), want: true },
    { exprs: ["incidr(client_ip(), '::1/128')"], req: from('::1'), want: true },
    // A value other than true is false, as in CoreDNS.
    { exprs: ['1'], req: from('10.0.0.1'), want: false },
    { exprs: ["'true'"], req: from('10.0.0.1'), want: false },
  ];
  for (const c of cases) assert.equal(createView('v', c.exprs.map(compile), log).accept(c.req), c.want, c.exprs.join(' && '));
});

test('an expression that fails on a query is false, logged once per 10 s with a count', () => {
  const { lines, log } = logged();
  const v = createView('v', [compile("incidr(metadata('x/y') + 'x', '10.0.0.0/8')")], log);
  const req = makeRequest('example.org.', 'A');
  for (let i = 0; i < 5; i++) assert.equal(v.accept(req), false);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /\[ERROR\] plugin\/view: expr "incidr\(metadata\('x\/y'\) \+ 'x', '10.0.0.0\/8'\)" failed on example.org. A from 127.0.0.1 \(1 since last said\): incidr: first argument is not an IP address/);
});
