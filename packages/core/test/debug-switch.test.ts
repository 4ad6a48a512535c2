import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configError, definePlugin, reply } from '../src/index.js';
import { startTestServer } from '../src/testing/index.js';

// SetupContext.enableDebug: the server's debug lines are written while a config that asked for them serves.

/** `dbg`: turns debug logging on, as the debug plugin does. */
const dbg = definePlugin<null>({ name: 'dbg', parse: () => null, setup: (_c, ctx) => ctx.enableDebug() });

/** `talk`: a debug line at setup and one per query, an info line at setup; answers A. */
const talk = definePlugin<null>({
  name: 'talk',
  parse: () => null,
  setup(_config, ctx) {
    ctx.log.debug('set up');
    ctx.log.info('hello');
    return {
      name: 'talk',
      serveDNS(req, w) {
        ctx.log.debug(`asked ${req.qname}`);
        w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '192.0.2.1' }] }));
        return 0;
      },
    };
  },
});

/** `broken`: its setup fails (after dbg's has run). */
const broken = definePlugin<null>({ name: 'broken', parse: () => null, setup: (_c, _ctx) => configError({ text: 'broken', file: 'Corefile', line: 1, quoted: false }, 'broken: no') });

const plugins = [dbg, talk, broken];
const debugLines = (logs: readonly string[]): string[] => logs.filter((l) => l.startsWith('[DEBUG]'));

test('without debug in the Corefile, debug lines are dropped; info lines are written', async (t) => {
  const s = await startTestServer('. {\n  talk\n}', { plugins });
  t.after(() => s.stop());
  await s.query('a.example.org', 'A');
  assert.deepEqual(debugLines(s.logs), []);
  assert.ok(s.logs.includes('[INFO] plugin/talk: hello'));
});

test('with debug, every plugin’s debug lines are written, from the setups after it on; a reload without it stops them', async (t) => {
  const s = await startTestServer('. {\n  talk\n  dbg\n}', { plugins });
  t.after(() => s.stop());
  await s.query('a.example.org', 'A');
  assert.deepEqual(debugLines(s.logs), ['[DEBUG] plugin/talk: set up', '[DEBUG] plugin/talk: asked a.example.org.']);
  await s.server.reload('. {\n  talk\n}');
  await s.query('b.example.org', 'A');
  // (Its setup, while the old config served, still logged its debug line.)
  assert.deepEqual(debugLines(s.logs).filter((l) => l.includes('asked')), ['[DEBUG] plugin/talk: asked a.example.org.'], 'the reloaded config has no debug');
  // A reload that fails leaves the switch as it was: off here, though the failed config's dbg turned it on.
  await assert.rejects(s.server.reload('. {\n  dbg\n  talk\n  broken\n}'), /broken: no/);
  await s.query('c.example.org', 'A');
  assert.deepEqual(debugLines(s.logs).filter((l) => l.includes('asked')), ['[DEBUG] plugin/talk: asked a.example.org.']);
  await s.server.reload('. {\n  dbg\n  talk\n}');
  await s.query('d.example.org', 'A');
  assert.ok(debugLines(s.logs).includes('[DEBUG] plugin/talk: asked d.example.org.'));
});

test('debug in one server block turns it on for the whole server, as CoreDNS', async (t) => {
  const s = await startTestServer('example.org {\n  dbg\n  talk\n}\nexample.net {\n  talk\n}', { plugins });
  t.after(() => s.stop());
  await s.query('a.example.net', 'A');
  assert.ok(debugLines(s.logs).includes('[DEBUG] plugin/talk: asked a.example.net.'));
});

test('a debug line given as a function is built only when it is written', async (t) => {
  let built = 0;
  const lazy = definePlugin<null>({
    name: 'lazy',
    parse: () => null,
    setup: (_c, ctx) => ({
      name: 'lazy',
      serveDNS(req, w) {
        ctx.log.debug(() => `built for ${req.qname} (${++built})`);
        w.write(reply(req, {}));
        return 0;
      },
    }),
  });
  const s = await startTestServer('. {\n  lazy\n}', { plugins: [dbg, lazy] });
  t.after(() => s.stop());
  await s.query('a.example.org', 'A');
  assert.equal(built, 0);
  await s.server.reload('. {\n  dbg\n  lazy\n}');
  await s.query('b.example.org', 'A');
  assert.equal(built, 1);
  assert.deepEqual(debugLines(s.logs), ['[DEBUG] plugin/lazy: built for b.example.org. (1)']);
});
