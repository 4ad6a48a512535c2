import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { COMBINED_LOG_FORMAT, COMMON_LOG_FORMAT, errors, log, type LogRule } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };
const rule = (name: string, over: Partial<LogRule> = {}): LogRule => ({ name, format: COMMON_LOG_FORMAT, classes: [], minDurationMs: 0, ...over });

test('log setup', async (t) => {
  const cases: { corefile: string; want?: LogRule[]; error?: RegExp }[] = [
    { corefile: '. {\n log\n}', want: [rule('.')] },
    { corefile: '. {\n log Example.ORG\n}', want: [rule('example.org.')] },
    { corefile: '. {\n log a.org b.org.\n}', want: [rule('a.org.'), rule('b.org.')] },
    { corefile: '. {\n log . {combined}\n}', want: [rule('.', { format: COMBINED_LOG_FORMAT })] },
    { corefile: '. {\n log . {common}\n}', want: [rule('.')] },
    { corefile: '. {\n log {combined}\n}', want: [rule('.', { format: COMBINED_LOG_FORMAT })] },
    { corefile: '. {\n log a.org b.org "{proto} Request: {name} {type} {>id}"\n}', want: [rule('a.org.', { format: '{proto} Request: {name} {type} {>id}' }), rule('b.org.', { format: '{proto} Request: {name} {type} {>id}' })] },
    { corefile: '. {\n log 10.0.0.0/8\n}', want: [rule('10.in-addr.arpa.')] },
    { corefile: '. {\n log example.org {\n  class denial\n }\n}', want: [rule('example.org.', { classes: ['denial'] })] },
    { corefile: '. {\n log . {\n  class denial error\n  class success\n }\n}', want: [rule('.', { classes: ['denial', 'error', 'success'] })] },
    { corefile: '. {\n log . {\n  class denial all\n }\n}', want: [rule('.')] },
    { corefile: '. {\n log . {\n  class error\n  minDuration 1s\n }\n}', want: [rule('.', { classes: ['error'], minDurationMs: 1000 })] },
    { corefile: '. {\n log . {\n  class error\n  minDuration\n }\n}', want: [rule('.', { classes: ['error'], minDurationMs: 100 })] },
    { corefile: '. {\n log . {\n  class\n }\n}', error: /^CorefileError: Corefile:3: log: class: expected at least 1 arguments?, got 0/ },
    { corefile: '. {\n log . {\n  class sucess\n }\n}', error: /Corefile:3: log: class: expected one of success, denial, error, all, got "sucess"/ },
    { corefile: '. {\n log . {\n  minDuration soon\n }\n}', error: /Corefile:3: log: minDuration: expected a duration such as 5s, 1m or 250ms, got "soon"/ },
    { corefile: '. {\n log . {\n  minDuration 1s 2s\n }\n}', error: /Corefile:3: log: minDuration: expected 0 to 1 arguments, got 2/ },
    { corefile: '. {\n log . {\n  minDuration 1s\n  minDuration 2s\n }\n}', error: /Corefile:4: log: "minDuration" given more than once/ },
    { corefile: '. {\n log . {\n  format json\n }\n}', error: /Corefile:3: log: unknown property "format", expected one of: class, minDuration/ },
    { corefile: '. {\n log . "{local} {name}"\n}', error: /Corefile:2: log: the \{local\} placeholder is not supported/ },
    { corefile: '. {\n log exa:mple.org\n}', error: /Corefile:2: log: "exa:mple\.org" is not a valid zone/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), () => {
      const d = parseCorefile(c.corefile).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => log.parse(d, ctx), c.error);
      else assert.deepEqual(log.parse(d, ctx), c.want);
    });
  }
});

test('several log directives in a block add up, in order', () => {
  const [first, second] = parseCorefile('. {\n log a.org\n log . {combined}\n}').blocks[0]!.directives.map((d) => log.parse(d, ctx));
  assert.deepEqual(log.combine!([first!, second!]), [rule('a.org.'), rule('.', { format: COMBINED_LOG_FORMAT })]);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 8);
  for (const corefile of examples) checkCorefile(corefile, [log, errors]);
});
