import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, type Handler, Rcode, reply, type SetupContext, type WrittenReply, writtenReply } from '../src/index.js';
import { makeRequest, standIn, startTestServer } from '../src/testing/index.js';

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
  const inner = standIn('inner', () => ({}));
  const s = await startTestServer('. {\n  outer\n  inner\n}', { plugins: [outer, inner] });
  try {
    await s.query('example.org', 'A');
    assert.deepEqual(seen, [{ plugin: 'inner', server: `dns://:${s.port}` }]);
    assert.equal(ctxOf!.server, `dns://:${s.port}`);
  } finally {
    await s.stop();
  }
});

test("the server's writer keeps the first reply it was given; writtenReply finds it only when no plugin wrapped it", async () => {
  const seen: (WrittenReply | null)[] = [];
  const probe = definePlugin<null>({
    name: 'probe',
    parse: () => null,
    setup: () => ({
      name: 'probe',
      serveDNS(req, w, next) {
        const kept = writtenReply(w);
        const copy = (): WrittenReply | null => kept && { rcode: kept.rcode, size: kept.size, plugin: kept.plugin };
        seen.push(copy());
        const result = next(req, w);
        seen.push(copy());
        return result;
      },
    }),
  });
  const wrap = definePlugin<null>({
    name: 'wrap',
    parse: () => null,
    setup: () => ({ name: 'wrap', serveDNS: (req, w, next) => next(req, { write: (msg) => w.write(msg) }) }),
  });
  const twice = definePlugin<null>({
    name: 'twice',
    parse: () => null,
    setup: () => ({
      name: 'twice',
      serveDNS(req, w) {
        const first = reply(req, { rcode: Rcode.NXDOMAIN });
        w.write(first);
        w.write(reply(req));
        return Rcode.NXDOMAIN;
      },
    }),
  });
  // Plugins run in the order of the list given, as CoreDNS's plugin.cfg: wrap before probe.
  const s = await startTestServer('. {\n  probe\n  twice\n}\nexample.org {\n  wrap\n  probe\n  twice\n}', { plugins: [wrap, probe, twice] });
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      seen.length = 0;
      const size = reply(makeRequest('example.net', 'A'), { rcode: Rcode.NXDOMAIN }).length;
      assert.equal((await s.query('example.net', 'A', { transport })).rcode, Rcode.NXDOMAIN);
      assert.deepEqual(seen, [{ rcode: -1, size: 0, plugin: '' }, { rcode: Rcode.NXDOMAIN, size, plugin: 'twice' }], transport);
      seen.length = 0;
      await s.query('example.org', 'A', { transport });
      assert.deepEqual(seen, [null, null], `${transport}: behind a wrapping plugin`);
    }
  } finally {
    await s.stop();
  }
});
