import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { definePlugin, expectArgs } from '../src/index.js';
import { assertSetupCases, type SetupCase } from '../src/testing/index.js';

const one = definePlugin<{ arg: string; zones: readonly string[]; port: number }>({
  name: 'one',
  parse: (d, ctx) => {
    const arg = expectArgs(d, 1, 1)[0]!.text;
    if (arg === 'old') ctx.warn(d.token, 'one: "old" is deprecated');
    return { arg, zones: ctx.zones, port: ctx.port };
  },
  setup: () => undefined,
});
const many = definePlugin<string[]>({ name: 'many', parse: (d) => [expectArgs(d, 1, 1)[0]!.text], combine: (c) => c.flat(), setup: () => undefined });

test('assertSetupCases: configs, errors and warnings as a server plans them', async (t) => {
  await assertSetupCases(t, one, [
    { corefile: 'one a', want: { arg: 'a', zones: ['.'], port: 53 } },
    { corefile: 'one a', keys: 'example.org:1053 example.net', want: { arg: 'a', zones: ['example.org.', 'example.net.'], port: 1053 } },
    { corefile: 'one', error: /^Corefile:2: one: expected 1 argument, got 0$/ },
    { corefile: 'one a\n one b', error: /^Corefile:3: "one" may appear only once in a server block$/ },
    { corefile: 'one old', warning: /^Corefile:2: one: "old" is deprecated$/ },
  ]);
  await assertSetupCases(t, many, [{ corefile: 'many x\n many y', want: ['x', 'y'] }]);
  await assertSetupCases(t, one, [{ corefile: 'a.org {\n one a\n}', want: 'a.org.' }], { keys: null, view: (c) => c.zones[0] });
  await assertSetupCases(t, one, [{ corefile: 'one a', want: { arg: 'a' } }], { defaults: { zones: ['.'], port: 53 } });
});

test('assertSetupCases fails a case that does not hold', async () => {
  // A stand-in context that runs each case at once, so its failure reaches this test.
  const t = { test: async (_name: string, fn: () => void) => fn() } as unknown as TestContext;
  const fails = (c: SetupCase) => assert.rejects(assertSetupCases(t, one, [c]), assert.AssertionError);
  await fails({ corefile: 'one a', want: { arg: 'b', zones: ['.'], port: 53 } });
  await fails({ corefile: 'one a', error: /expected/ });
  await fails({ corefile: 'one', error: /unexpected/ });
  await fails({ corefile: 'one old' });
  await fails({ corefile: 'one a', warning: /deprecated/ });
  await assert.rejects(assertSetupCases(t, one, [{ corefile: 'one a\n one b' }]), /may appear only once/);
});
