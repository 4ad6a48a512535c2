import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { definePlugin } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase, startTestServer } from '@chaindns/core/testing';
import { autopath, type AutopathConfig } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'chaindns-autopath-setup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// CoreDNS's setup_test resolv.conf.
const resolvConf = join(dir, 'resolv.conf');
writeFileSync(resolvConf, 'nameserver 1.2.3.4\ndomain foo.com\nsearch bar.com baz.com\noptions ndots:5\n');

/** The config without the token: what a row compares. */
function plain(c: AutopathConfig): Record<string, unknown> {
  return { zones: c.zones, resolvConf: c.resolvConf, at: `${c.at.file}:${c.at.line}` };
}

test('autopath setup', async (t) => {
  const cases: SetupCase[] = [
    // CoreDNS's TestSetupAutoPath, positive.
    { corefile: 'autopath @kubernetes', want: { zones: ['.'], resolvConf: { plugin: 'kubernetes' } } },
    { corefile: 'autopath example.org @kubernetes', want: { zones: ['example.org.'], resolvConf: { plugin: 'kubernetes' } } },
    { corefile: 'autopath 10.0.0.0/8 @kubernetes', want: { zones: ['10.in-addr.arpa.'], resolvConf: { plugin: 'kubernetes' } } },
    { corefile: `autopath ${resolvConf}`, want: { zones: ['.'], resolvConf: { file: resolvConf } } },
    // The server block's zones when none are given.
    { keys: 'cluster.local 10.0.0.0/24', corefile: 'autopath @kubernetes', want: { zones: ['cluster.local.', '0.0.10.in-addr.arpa.'], resolvConf: { plugin: 'kubernetes' } } },
    { corefile: 'autopath Cluster.Local. svc.example @kubernetes', want: { zones: ['cluster.local.', 'svc.example.'], resolvConf: { plugin: 'kubernetes' } } },
    // A file is read at setup: `autopath kubernetes` and `autopath ""` parse, and fail there (below).
    { corefile: 'autopath kubernetes', want: { zones: ['.'], resolvConf: { file: 'kubernetes' } } },
    // CoreDNS's negative cases that fail at parse.
    { corefile: 'autopath', error: /Corefile:2: autopath: no resolv-conf specified/ },
    { corefile: 'autopath @', error: /Corefile:2: autopath: "@" needs the name of a plugin, as in @kubernetes/ },
    { corefile: 'autopath @kubernetes {\n }', error: /Corefile:2: autopath: takes no block/ },
    { corefile: 'autopath example.org/33 @kubernetes', error: /Corefile:2: .*"example.org\/33" is not a valid CIDR/ },
  ];
  await assertSetupCases(t, autopath, cases, { view: plain, defaults: { at: 'Corefile:2' } });
});

/** A plugin of the test that offers a search path or nothing: plugins find each other through core, never by import. */
const standIn = (offers: boolean) =>
  definePlugin({
    name: 'standin',
    parse: () => null,
    setup(_config, ctx) {
      if (offers) ctx.offer('searchPath', { searchPath: () => ['a.example.', '.'] });
    },
  });

test('autopath setup errors found at setup, with the Corefile’s file:line', async (t) => {
  const notDomains = join(dir, 'bad-resolv.conf');
  writeFileSync(notDomains, 'search good.example bad..example\n');
  const cases: { corefile: string; plugins?: ReturnType<typeof standIn>[]; error: RegExp }[] = [
    // CoreDNS: `autopath kubernetes` is a file that is not there; `autopath ""` no file at all.
    { corefile: '. {\n  autopath kubernetes\n}\n', error: /Corefile:2: autopath: failed to parse "kubernetes": ENOENT: no such file or directory/ },
    { corefile: '. {\n  autopath ""\n}\n', error: /Corefile:2: autopath: failed to parse "": ENOENT/ },
    { corefile: `. {\n  autopath ${dir}\n}\n`, error: /Corefile:2: autopath: failed to parse ".*": EISDIR/ },
    { corefile: `. {\n  autopath ${notDomains}\n}\n`, error: /Corefile:2: autopath: failed to parse ".*bad-resolv.conf": search domain "bad..example." is not a domain name/ },
    // The plugin named must be in the block and offer a search path (CoreDNS: "does not implement the AutoPather interface").
    { corefile: '. {\n  autopath @kubernetes\n}\n', error: /Corefile:2: autopath: needs the plugin "kubernetes" in this server block, and it is not there/ },
    { corefile: '. {\n  standin\n  autopath @standin\n}\n', plugins: [standIn(false)], error: /Corefile:3: autopath: the plugin "standin" offers no searchPath/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), async () => {
      await assert.rejects(startTestServer(c.corefile, { plugins: [autopath, ...(c.plugins ?? [])] }), c.error);
    });
  }
});

test('a plugin that offers a search path is found; a resolv.conf without search is said to do nothing', async () => {
  const ok = await startTestServer('. {\n  autopath @standin\n  standin\n}\n', { plugins: [autopath, standIn(true)] });
  await ok.stop();
  const empty = join(dir, 'empty-resolv.conf');
  writeFileSync(empty, 'nameserver 10.0.0.1\n');
  const s = await startTestServer(`. {\n  autopath ${empty}\n}\n`, { plugins: [autopath] });
  await s.stop();
  assert.ok(s.logs.some((l) => l === `[WARNING] plugin/autopath: no search domain in ${empty}: nothing to complete`), s.logs.join('\n'));
});

test('autopath only once in a server block', async () => {
  await assert.rejects(startTestServer(`. {\n  autopath ${resolvConf}\n  autopath ${resolvConf}\n}\n`, { plugins: [autopath] }), /Corefile:3: "autopath" may appear only once in a server block/);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 3);
  for (const corefile of examples) checkCorefile(corefile, [autopath]);
});
