import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, type Next, PluginError, Rcode, reply } from '@chaindns/core';
import { makeRequest, serveWith } from '@chaindns/core/testing';
import { Consolidator, createErrors, ERRORS_PER_SECOND } from '../src/index.js';

function errorsHandler(): { handler: ReturnType<typeof createErrors>; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l) }).child('plugin/errors');
  const consolidator = new Consolidator([{ periodMs: 60_000, pattern: /^folded/, source: '^folded', level: 'error' }], log);
  return { handler: createErrors(consolidator, log), lines };
}

test('a PluginError, thrown or rejected, is logged as CoreDNS and its rcode returned unwritten', async (t) => {
  const cases: { title: string; next: Next; rcode: number; line: string }[] = [
    { title: 'thrown', next: () => { throw new PluginError('forward', Rcode.SERVFAIL, 'no healthy upstream'); }, rcode: Rcode.SERVFAIL, line: '[ERROR] plugin/errors: 2 example.org. AAAA: no healthy upstream' },
    { title: 'rejected', next: () => Promise.reject(new PluginError('acl', Rcode.REFUSED, 'blocked')), rcode: Rcode.REFUSED, line: '[ERROR] plugin/errors: 5 example.org. AAAA: blocked' },
  ];
  for (const c of cases) {
    await t.test(c.title, async () => {
      const { handler, lines } = errorsHandler();
      const { rcode, recorder } = await serveWith(handler, makeRequest('Example.org', 'AAAA'), c.next);
      assert.equal(rcode, c.rcode);
      assert.equal(recorder.writes, 0, 'the server writes the error reply');
      assert.deepEqual(lines, [c.line]);
    });
  }
});

test('answers pass through untouched, synchronously when they were', async () => {
  const { handler, lines } = errorsHandler();
  const req = makeRequest('example.org', 'A');
  const result = handler.serveDNS(req, { write: () => {} }, (r, w) => (w.write(reply(r)), Rcode.NOERROR));
  assert.equal(result, Rcode.NOERROR);
  assert.deepEqual(lines, []);
});

test('a crash is not the errors plugin\'s: it goes on to the core', async () => {
  const { handler, lines } = errorsHandler();
  await assert.rejects(async () => serveWith(handler, makeRequest('example.org', 'A'), () => { throw new TypeError('bug'); }), TypeError);
  await assert.rejects(async () => serveWith(handler, makeRequest('example.org', 'A'), () => Promise.reject(new RangeError('bug'))), RangeError);
  assert.deepEqual(lines, []);
});

test('a message matching a consolidate REGEXP is folded, not logged', async () => {
  const { handler, lines } = errorsHandler();
  const { rcode } = await serveWith(handler, makeRequest('example.org', 'A'), () => { throw new PluginError('forward', Rcode.SERVFAIL, 'folded away'); });
  assert.equal(rcode, Rcode.SERVFAIL);
  assert.deepEqual(lines, []);
});

test('a flood of errors prints 100 lines a second as CoreDNS does, and one line counts the rest', async () => {
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l) }).child('plugin/errors');
  const handler = createErrors(new Consolidator([], log), log);
  const fail = (i: number) => serveWith(handler, makeRequest(`name${i}.example.org`, 'A'), () => { throw new PluginError('forward', Rcode.SERVFAIL, 'no healthy upstream'); });
  for (let i = 0; i < 2000; i++) await fail(i);
  assert.equal(lines.length, ERRORS_PER_SECOND);
  lines.forEach((l, i) => assert.equal(l, `[ERROR] plugin/errors: 2 name${i}.example.org. A: no healthy upstream`));
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(lines[ERRORS_PER_SECOND], `[WARNING] plugin/errors: ${2000 - ERRORS_PER_SECOND} more errors occurred in last 1s, not printed: over ${ERRORS_PER_SECOND} a second`);
  await fail(2000);
  assert.deepEqual(lines.slice(ERRORS_PER_SECOND + 1), ['[ERROR] plugin/errors: 2 name2000.example.org. A: no healthy upstream'], 'a new second prints again');
});
