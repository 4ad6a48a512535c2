import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { file, type FileConfig } from '../src/index.js';

function parse(corefile: string, warnings: string[] = []): FileConfig[] {
  const block = parseCorefile(corefile).blocks[0]!;
  const zones = block.keys.map((k) => k.zone);
  return block.directives.map((d) => file.parse(d, { zones, port: 53, warn: (t, m) => warnings.push(`${t.file}:${t.line}: ${m}`) }));
}

/** The config without the token it points errors at. */
function plain(c: FileConfig): unknown {
  return { fallthrough: c.fallthrough, files: c.files.map(({ at: _at, ...rest }) => rest) };
}

const one = (over: Partial<FileConfig['files'][number]> & { fallthrough?: string[] | null } = {}): unknown => {
  const { fallthrough = null, ...f } = over;
  return { fallthrough, files: [{ path: 'db.example.org', zones: ['example.org.'], reloadMs: 60_000, reloadByMtime: false, ...f }] };
};

test('file setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'example.org {\n file db.example.org\n}', want: one() },
    { corefile: '. {\n file db.example.org example.org\n}', want: one() },
    { corefile: '. {\n file db.example.org Example.ORG example.net.\n}', want: one({ zones: ['example.org.', 'example.net.'] }) },
    { corefile: '. {\n file db.example.org 10.0.0.0/8\n}', want: one({ zones: ['10.in-addr.arpa.'] }) },
    { corefile: 'example.org {\n file db.example.org {\n  fallthrough\n }\n}', want: one({ fallthrough: ['.'] }) },
    { corefile: 'example.org {\n file db.example.org {\n  fallthrough www.example.org in-addr.arpa\n }\n}', want: one({ fallthrough: ['www.example.org.', 'in-addr.arpa.'] }) },
    { corefile: 'example.org {\n file db.example.org {\n  reload 5s\n }\n}', want: one({ reloadMs: 5000 }) },
    { corefile: 'example.org {\n file db.example.org {\n  reload 1m30s\n }\n}', want: one({ reloadMs: 90_000 }) },
    { corefile: 'example.org {\n file db.example.org {\n  reload 0\n }\n}', want: one({ reloadMs: 0 }) },
    { corefile: 'example.org {\n file db.example.org {\n  reload 0s\n  reload_by_mtime\n }\n}', want: one({ reloadMs: 0, reloadByMtime: true }) },
    { corefile: 'example.org {\n file\n}', error: /Corefile:2: file: expected at least 1 argument, got 0$/ },
    { corefile: 'example.org {\n file db.example.org {\n  transfer from 127.0.0.1\n }\n}', error: /Corefile:3: file: unknown property "transfer", expected one of: reload, reload_by_mtime, fallthrough, upstream$/ },
    { corefile: 'example.org {\n file db.example.org {\n  no_reload\n }\n}', error: /Corefile:3: file: unknown property "no_reload"/ },
    { corefile: 'example.org {\n file db.example.org {\n  reload\n }\n}', error: /Corefile:3: file: reload: expected 1 argument, got 0$/ },
    { corefile: 'example.org {\n file db.example.org {\n  reload 5\n }\n}', error: /Corefile:3: file: reload: expected a duration such as 5s, 1m or 250ms, got "5"$/ },
    { corefile: 'example.org {\n file db.example.org {\n  reload -1s\n }\n}', error: /Corefile:3: file: reload: expected a duration/ },
    { corefile: 'example.org {\n file db.example.org {\n  reload 5s 10s\n }\n}', error: /Corefile:3: file: reload: expected 1 argument, got 2$/ },
    { corefile: 'example.org {\n file db.example.org {\n  reload_by_mtime yes\n }\n}', error: /Corefile:3: file: reload_by_mtime: expected 0 arguments, got 1$/ },
    { corefile: 'example.org {\n file db.example.org {\n  reload 5s\n  reload 6s\n }\n}', error: /Corefile:4: file: "reload" given more than once$/ },
    { corefile: 'example.org {\n file db.example.org 10.0.0.0/33\n}', error: /Corefile:2: file: "10.0.0.0\/33" is not a valid CIDR$/ },
  ];
  await assertSetupCases(t, file, cases, { keys: null, view: plain });
});

test('upstream is accepted with a warning, as CNAME targets are looked up through the server anyway', () => {
  const warnings: string[] = [];
  assert.deepEqual(plain(parse('example.org {\n file db.example.org {\n  upstream 8.8.8.8\n }\n}', warnings)[0]!), one());
  assert.deepEqual(warnings, ['Corefile:3: file: upstream is no longer supported and is ignored: CNAME targets are resolved through this server']);
});

test('several file lines in a block make one handler; fallthrough is shared, the last given wins; a zone may be served once', () => {
  const configs = parse('. {\n file db.a a.example {\n  fallthrough\n }\n file db.b b.example {\n  reload 0\n }\n}');
  const combined = file.combine!(configs);
  assert.deepEqual(plain(combined), {
    fallthrough: ['.'],
    files: [
      { path: 'db.a', zones: ['a.example.'], reloadMs: 60_000, reloadByMtime: false },
      { path: 'db.b', zones: ['b.example.'], reloadMs: 0, reloadByMtime: false },
    ],
  });
  assert.throws(() => file.combine!(parse('. {\n file db.a example.org\n file db.b example.org\n}')), /Corefile:3: file: zone example.org. is served from more than one file$/);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 4);
  for (const corefile of examples) checkCorefile(corefile, [file]);
});

test('file names its zone files, so chaindns check can look for them', () => {
  const d = parseCorefile('example.org {\n file db.example.org\n file db.other other.org\n}').blocks[0]!.directives;
  const ctx2 = { zones: ['example.org.'], port: 53, warn: () => {} };
  const config = file.combine!(d.map((x) => file.parse(x, ctx2)));
  assert.deepEqual(
    file.files!(config).map((f) => [f.path, f.what, f.at.line]),
    [
      ['db.example.org', 'zone file', 2],
      ['db.other', 'zone file', 3],
    ],
  );
});
