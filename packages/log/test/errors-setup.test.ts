import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { errors } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('errors setup', async (t) => {
  const cases: { corefile: string; want?: { periodMs: number; source: string; level: string; flags: string }[]; error?: RegExp }[] = [
    { corefile: '. {\n errors\n}', want: [] },
    { corefile: '. {\n errors stdout\n}', want: [] },
    { corefile: '. {\n errors {\n  panicRecoveryStacktrace\n }\n}', want: [] },
    {
      corefile: '. {\n errors {\n  consolidate 5m ".* i/o timeout$" warning\n  consolidate 30s "^Failed to .+"\n }\n}',
      want: [
        { periodMs: 300_000, source: '.* i/o timeout$', level: 'warning', flags: '' },
        { periodMs: 30_000, source: '^Failed to .+', level: 'error', flags: '' },
      ],
    },
    { corefile: '. {\n errors {\n  consolidate 1m (?i)^timeout debug\n }\n}', want: [{ periodMs: 60_000, source: '(?i)^timeout', level: 'debug', flags: 'i' }] },
    { corefile: '. {\n errors /var/log/errors.log\n}', error: /^CorefileError: Corefile:2: errors: invalid log file "\/var\/log\/errors\.log": errors are logged to stdout only/ },
    { corefile: '. {\n errors stdout extra\n}', error: /Corefile:2: errors: expected 0 to 1 arguments, got 2/ },
    { corefile: '. {\n errors {\n  consolidate 5m\n }\n}', error: /Corefile:3: errors: consolidate: expected 2 to 3 arguments, got 1/ },
    { corefile: '. {\n errors {\n  consolidate 5 timeout\n }\n}', error: /Corefile:3: errors: consolidate: expected a duration such as 5s, 1m or 250ms, got "5"/ },
    { corefile: '. {\n errors {\n  consolidate 0s timeout\n }\n}', error: /Corefile:3: errors: consolidate: the period must be above zero, got "0s"/ },
    { corefile: '. {\n errors {\n  consolidate 5m "(unclosed"\n }\n}', error: /Corefile:3: errors: consolidate: "\(unclosed" is not a valid regular expression/ },
    { corefile: '. {\n errors {\n  consolidate 5m (?U)a+\n }\n}', error: /Corefile:3: errors: consolidate: the flag group "\(\?U\)" is not supported/ },
    { corefile: '. {\n errors {\n  consolidate 5m timeout critical\n }\n}', error: /Corefile:3: errors: consolidate: expected one of warning, error, info, debug, got "critical"/ },
    { corefile: '. {\n errors {\n  panicRecoveryStacktrace yes\n }\n}', error: /Corefile:3: errors: panicRecoveryStacktrace: expected 0 arguments, got 1/ },
    { corefile: '. {\n errors {\n  stacktrace\n }\n}', error: /Corefile:3: errors: unknown property "stacktrace", expected one of: consolidate, panicRecoveryStacktrace/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), () => {
      const d = parseCorefile(c.corefile).blocks[0]!.directives[0]!;
      if (c.error) return assert.throws(() => errors.parse(d, ctx), c.error);
      const got = errors.parse(d, ctx).consolidate.map((r) => ({ periodMs: r.periodMs, source: r.source, level: r.level, flags: r.pattern.flags }));
      assert.deepEqual(got, c.want);
    });
  }
});

test('a consolidate REGEXP matches as Go would', () => {
  const d = parseCorefile('. {\n errors {\n  consolidate 1m "(?i)^read udp.*timeout$"\n }\n}').blocks[0]!.directives[0]!;
  const [rule] = errors.parse(d, ctx).consolidate;
  assert.equal(rule!.pattern.test('READ udp 10.0.0.1:53: i/o timeout'), true);
  assert.equal(rule!.pattern.test('dial udp: i/o timeout'), false);
});
