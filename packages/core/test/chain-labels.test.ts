import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, type Handler, reply, type SetupContext } from '../src/index.js';
import { startTestServer } from '../src/testing/index.js';

test('req.plugin names the handler that answered; ctx.server is the live listener label', async () => {
  const seen: { plugin: string; server: string }[] = [];
  let ctxOf: SetupContext | null = null;
  const outer = definePlugin<null>({
    name: 'outer',
    parse: () => null,
    setup(_, ctx): Handler {
      ctxOf = ctx;
      return {
        name: 'outer',
        serveDNS(req, w, next) {
          return next(req, {
            write(msg) {
              seen.push({ plugin: req.plugin, server: ctx.server });
              w.write(msg);
            },
          });
        },
      };
    },
  });
  const inner = definePlugin<null>({
    name: 'inner',
    parse: () => null,
    setup: () => ({ name: 'inner', serveDNS: (req, w) => (w.write(reply(req)), 0) }),
  });
  const s = await startTestServer('. {\n  outer\n  inner\n}', { plugins: [outer, inner] });
  try {
    await s.query('example.org', 'A');
    assert.deepEqual(seen, [{ plugin: 'inner', server: `dns://:${s.port}` }]);
    assert.equal(ctxOf!.server, `dns://:${s.port}`);
  } finally {
    await s.stop();
  }
});
