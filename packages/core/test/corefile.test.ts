import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseCorefile, readCorefile, type Corefile, type Directive, type ParseOptions } from '../src/corefile/index.js';
import { duplicateKeys } from '../src/server/plan.js';

/** A block as `keys` (`zone:port`) and its directives, one line each, sub-directives indented by two spaces. */
interface Shape {
  readonly keys: readonly string[];
  readonly directives: readonly string[];
}

function renderDirectives(directives: readonly Directive[], indent = ''): string[] {
  return directives.flatMap((d) => [
    [indent + d.name, ...d.args.map((a) => (a.quoted ? JSON.stringify(a.text) : a.text))].join(' ') + (d.block ? ' {' : ''),
    ...(d.block ? [...renderDirectives(d.block, `${indent}  `), `${indent}}`] : []),
  ]);
}

function shape(corefile: Corefile): Shape[] {
  return corefile.blocks.map((b) => ({ keys: b.keys.map((k) => `${k.zone}:${k.port}`), directives: renderDirectives(b.directives) }));
}

const env = { PORT: '1053', UPSTREAM: '8.8.8.8', ZONES: 'a.org,b.org', WITH_REF: '{$PORT}', EMPTY: '' };

const parses: readonly { name: string; text: string; want: readonly Shape[]; options?: ParseOptions }[] = [
  { name: 'an empty file', text: '', want: [] },
  { name: 'only comments', text: '# nothing\n   # here\n', want: [] },
  { name: 'one block', text: '. {\n  whoami\n}\n', want: [{ keys: ['.:53'], directives: ['whoami'] }] },
  {
    name: 'several blocks, arguments and nested blocks',
    text: [
      'example.org {',
      '  file db.example.org',
      '  forward . 8.8.8.8 9.9.9.9 {',
      '    max_fails 3',
      '    policy {',
      '      sequential',
      '    }',
      '  }',
      '}',
      '',
      '.:1053 {',
      '  errors',
      '  cache 30',
      '}',
    ].join('\n'),
    want: [
      {
        keys: ['example.org.:53'],
        directives: ['file db.example.org', 'forward . 8.8.8.8 9.9.9.9 {', '  max_fails 3', '  policy {', '    sequential', '  }', '}'],
      },
      { keys: ['.:1053'], directives: ['errors', 'cache 30'] },
    ],
  },
  { name: 'an empty directive block', text: '. {\n  health {\n  }\n}', want: [{ keys: ['.:53'], directives: ['health {', '}'] }] },
  { name: 'a block with no directives', text: 'example.org {\n}', want: [{ keys: ['example.org.:53'], directives: [] }] },
  {
    name: 'comments at line ends and inside words',
    text: '. { # the root\n  log # all queries\n  whoami#comment\n  # a whole line\n}\n',
    want: [{ keys: ['.:53'], directives: ['log', 'whoami'] }],
  },
  {
    name: 'quoted words with spaces, braces, # and escaped quotes',
    text: '. {\n  template "a b" "{ c }" "#d" "say \\"hi\\"" "back\\\\slash" "\\n"\n}',
    want: [{ keys: ['.:53'], directives: ['template "a b" "{ c }" "#d" "say \\"hi\\"" "back\\\\\\\\slash" "\\\\n"'] }],
  },
  {
    name: 'a quoted word spanning lines, then more words on its last line',
    text: '. {\n  answer "one\ntwo" three\n  next\n}',
    want: [{ keys: ['.:53'], directives: ['answer "one\\ntwo" three', 'next'] }],
  },
  { name: 'a quote inside a word is plain text', text: '. {\n  a b"c d"\n}', want: [{ keys: ['.:53'], directives: ['a b"c d"'] }] },
  { name: 'a closing quote ends the word', text: '. {\n  a "b"c\n}', want: [{ keys: ['.:53'], directives: ['a "b" c'] }] },
  { name: 'an empty quoted argument', text: '. {\n  a ""\n}', want: [{ keys: ['.:53'], directives: ['a ""'] }] },
  { name: 'braces glued to words are words', text: '. {\n  a{ }b {x}\n}', want: [{ keys: ['.:53'], directives: ['a{ }b {x}'] }] },
  { name: 'CRLF line ends', text: '. {\r\n  whoami\r\n}\r\n', want: [{ keys: ['.:53'], directives: ['whoami'] }] },
  { name: 'keys separated by commas', text: 'a.org, b.org {\n}', want: [{ keys: ['a.org.:53', 'b.org.:53'], directives: [] }] },
  { name: 'keys separated by spaces', text: 'a.org b.org:54 {\n}', want: [{ keys: ['a.org.:53', 'b.org.:54'], directives: [] }] },
  { name: 'keys glued by commas', text: 'a.org,b.org , c.org {\n}', want: [{ keys: ['a.org.:53', 'b.org.:53', 'c.org.:53'], directives: [] }] },
  {
    name: 'a trailing comma continues the keys on the next line',
    text: 'a.org,\n  b.org,\n  c.org {\n  whoami\n}',
    want: [{ keys: ['a.org.:53', 'b.org.:53', 'c.org.:53'], directives: ['whoami'] }],
  },
  {
    name: "'{' on its own line after keys and after a directive",
    text: 'example.org\n{\n  forward . 1.1.1.1\n  {\n    max_fails 2\n  }\n}',
    want: [{ keys: ['example.org.:53'], directives: ['forward . 1.1.1.1 {', '  max_fails 2', '}'] }],
  },
  {
    name: 'a single block without braces takes the whole file',
    text: 'example.org:1053\nwhoami\nforward . 1.1.1.1 {\n  max_fails 2\n}\nlog',
    want: [{ keys: ['example.org.:1053'], directives: ['whoami', 'forward . 1.1.1.1 {', '  max_fails 2', '}', 'log'] }],
  },
  { name: 'a file of only keys', text: 'example.org\n', want: [{ keys: ['example.org.:53'], directives: [] }] },
  {
    name: 'environment variables in keys, names and arguments',
    text: ':{$PORT} {\n  forward . {$UPSTREAM}:53 "{%UPSTREAM%}" {$UNSET}x\n  {$EMPTY}log\n}',
    want: [{ keys: ['.:1053'], directives: ['forward . 8.8.8.8:53 "8.8.8.8" x', 'log'] }],
    options: { env },
  },
  {
    name: 'defaults for unset or empty variables: {$VAR:default}',
    text: '. {\n  health {$HEALTH::8080}\n  ready {$EMPTY::8081}\n  forward . {$UPSTREAM:/etc/resolv.conf}\n}',
    want: [{ keys: ['.:53'], directives: ['health :8080', 'ready :8081', 'forward . 8.8.8.8'] }],
    options: { env },
  },
  { name: 'a value is not substituted again', text: '. {\n  a {$WITH_REF}\n}', want: [{ keys: ['.:53'], directives: ['a {$PORT}'] }], options: { env } },
  { name: 'a variable holding comma separated keys', text: '{$ZONES} {\n}', want: [{ keys: ['a.org.:53', 'b.org.:53'], directives: [] }], options: { env } },
  {
    name: 'the default port for keys without one',
    text: 'a.org b.org:53 {\n}',
    want: [{ keys: ['a.org.:5300', 'b.org.:53'], directives: [] }],
    options: { defaultPort: 5300 },
  },
  {
    name: 'snippets pasted into blocks and sub-blocks',
    text: [
      '(common) {',
      '  errors',
      '  cache {',
      '    success 100',
      '  }',
      '}',
      '(limits)',
      '{',
      '  max_fails 1',
      '}',
      'a.org {',
      '  import common',
      '  forward . 1.1.1.1 {',
      '    import limits',
      '  }',
      '}',
      'b.org {',
      '  import common',
      '}',
    ].join('\n'),
    want: [
      { keys: ['a.org.:53'], directives: ['errors', 'cache {', '  success 100', '}', 'forward . 1.1.1.1 {', '  max_fails 1', '}'] },
      { keys: ['b.org.:53'], directives: ['errors', 'cache {', '  success 100', '}'] },
    ],
  },
  {
    name: 'a snippet importing another defined after it',
    text: '(outer) {\n  import inner\n  log\n}\n(inner) {\n  errors\n}\n. {\n  import outer\n}',
    want: [{ keys: ['.:53'], directives: ['errors', 'log'] }],
  },
  {
    name: 'a snippet imported at the top level defines blocks',
    text: '(blocks) {\n  a.org {\n    whoami\n  }\n}\nimport blocks\nb.org {\n}',
    want: [
      { keys: ['a.org.:53'], directives: ['whoami'] },
      { keys: ['b.org.:53'], directives: [] },
    ],
  },
  {
    name: 'a snippet name from the environment',
    text: '(s1053) {\n  log\n}\n. {\n  import s{$PORT}\n}',
    want: [{ keys: ['.:53'], directives: ['log'] }],
    options: { env },
  },
  { name: 'a quoted import is a directive', text: '. {\n  "import" x\n}', want: [{ keys: ['.:53'], directives: ['import x'] }] },
];

/** Corefiles that must fail: the message, with its file:line, and the code. */
/**
 * Corefiles the parser refuses, each with the start of its message. The table is a file of its
 * own because `chaindns check` is held to the same messages (its tests read it too).
 */
const failures: readonly { name: string; text: string; message: string; code?: string; file?: string }[] = JSON.parse(
  readFileSync(new URL('../../test/fixtures/broken-corefiles.json', import.meta.url), 'utf8'),
);

describe('parseCorefile', () => {
  for (const { name, text, want, options } of parses) {
    it(name, () => assert.deepEqual(shape(parseCorefile(text, options)), want));
  }
  for (const { name, text, message, code = 'CHAINDNS_COREFILE_SYNTAX', file } of failures) {
    it(`fails on ${name}`, () => {
      assert.throws(
        () => {
          // A repeated zone and port is found once the plugins are known (a block with a view may repeat them): here none has one.
          const { blocks } = parseCorefile(text, file ? { file } : {});
          throw duplicateKeys(blocks, blocks.map(() => false))[0] ?? new Error('parsed');
        },
        (err: Error & { code?: string; name: string }) => {
          assert.equal(err.name, 'CorefileError');
          assert.ok(err.message.startsWith(message), `${err.message}\n  does not start with\n${message}`);
          assert.equal(err.code, code);
          return true;
        },
      );
    });
  }

  it('keeps the file, line and quoting of every token', () => {
    const text = '# comment\nexample.org {\n  answer "a\n\nb" c\n  d "e"\n}\n';
    const [block] = parseCorefile(text, { file: 'my.conf' }).blocks;
    assert.deepEqual([block?.file, block?.line], ['my.conf', 2]);
    const at = (d: Directive) => [d.token, ...d.args].map((t) => `${t.text}@${t.file}:${t.line}${t.quoted ? 'q' : ''}`);
    assert.deepEqual(block?.directives.map(at), [
      ['answer@my.conf:3', 'a\n\nb@my.conf:3q', 'c@my.conf:5'],
      ['d@my.conf:6', 'e@my.conf:6q'],
    ]);
  });

  it('points snippet tokens at where the snippet was written', () => {
    const [block] = parseCorefile('(s) {\n  log\n}\n. {\n  import s\n}').blocks;
    assert.equal(block?.directives[0]?.token.line, 2);
  });

  it('reads process.env by default', () => {
    process.env.CHAINDNS_COREFILE_TEST_PORT = '1153';
    try {
      assert.equal(parseCorefile(':{$CHAINDNS_COREFILE_TEST_PORT} {\n}').blocks[0]?.keys[0]?.port, 1153);
    } finally {
      delete process.env.CHAINDNS_COREFILE_TEST_PORT;
    }
  });
});

describe('imports', () => {
  const root = mkdtempSync(join(tmpdir(), 'chaindns-corefile-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let count = 0;
  /** Writes `files` (relative path -> text) into a fresh directory and returns its path. */
  const tree = (files: Record<string, string>): string => {
    const dir = join(root, String(count++));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };
  const failsWith = (fn: () => unknown, message: string, code = 'CHAINDNS_COREFILE_IMPORT') =>
    assert.throws(fn, (err: Error & { code?: string }) => {
      assert.ok(err.message.startsWith(message), `${err.message}\n  does not start with\n${message}`);
      assert.equal(err.code, code);
      return true;
    });

  it('imports files relative to the importing file, keeping their positions', () => {
    const dir = tree({
      Corefile: '. {\n  import sub/common.conf\n  log\n}\n',
      'sub/common.conf': '# common\nerrors\nimport more.conf\n',
      'sub/more.conf': 'cache 30\n',
    });
    const corefile = readCorefile(join(dir, 'Corefile'));
    assert.deepEqual(shape(corefile), [{ keys: ['.:53'], directives: ['errors', 'cache 30', 'log'] }]);
    const [errors, cache, log] = corefile.blocks[0]?.directives ?? [];
    assert.deepEqual([errors?.token.file, errors?.token.line], [join(dir, 'sub/common.conf'), 2]);
    assert.deepEqual([cache?.token.file, cache?.token.line], [join(dir, 'sub/more.conf'), 1]);
    assert.deepEqual([log?.token.file, log?.token.line], [join(dir, 'Corefile'), 3]);
    assert.deepEqual(corefile.files, [join(dir, 'Corefile'), join(dir, 'sub/common.conf'), join(dir, 'sub/more.conf')]);
  });

  it('imports server blocks and snippets at the top level', () => {
    const dir = tree({
      Corefile: 'import blocks/*.conf\nc.org {\n  import shared\n}\n',
      'blocks/b.conf': 'b.org {\n}\n',
      'blocks/a.conf': '(shared) {\n  whoami\n}\na.org {\n  import shared\n}\n',
      'blocks/skip.txt': 'not imported {\n}\n',
    });
    assert.deepEqual(shape(readCorefile(join(dir, 'Corefile'))), [
      { keys: ['a.org.:53'], directives: ['whoami'] },
      { keys: ['b.org.:53'], directives: [] },
      { keys: ['c.org.:53'], directives: ['whoami'] },
    ]);
  });

  it('matches ? and [...] in the last path segment, in name order, files only', () => {
    const dir = tree({
      Corefile: '. {\n  import d/z?.conf\n  import d/[ab]*.conf\n  import d/[!ab]x.conf\n}\n',
      'd/z1.conf': 'z1',
      'd/z2.conf': 'z2',
      'd/z10.conf': 'z10',
      'd/b.conf': 'b',
      'd/a.conf': 'a',
      'd/cx.conf': 'cx',
      'd/ax.conf': 'ax',
      'd/zdir.conf/x': 'not a file',
    });
    assert.deepEqual(shape(readCorefile(join(dir, 'Corefile'))), [{ keys: ['.:53'], directives: ['z1', 'z2', 'a', 'ax', 'b', 'cx'] }]);
  });

  it('allows a glob that matches nothing, even in a missing directory', () => {
    const dir = tree({ Corefile: '. {\n  import none/*.conf\n  import *.none\n  log\n}\n' });
    const corefile = readCorefile(join(dir, 'Corefile'));
    assert.deepEqual(shape(corefile), [{ keys: ['.:53'], directives: ['log'] }]);
    assert.deepEqual(corefile.files, [join(dir, 'Corefile')]);
  });

  it('imports the same file twice when it is no cycle', () => {
    const dir = tree({ Corefile: 'a.org {\n  import c.conf\n}\nb.org {\n  import c.conf\n}\n', 'c.conf': 'log\n' });
    const corefile = readCorefile(join(dir, 'Corefile'));
    assert.deepEqual(
      shape(corefile).map((b) => b.directives),
      [['log'], ['log']],
    );
    assert.deepEqual(corefile.files, [join(dir, 'Corefile'), join(dir, 'c.conf')]);
  });

  it('resolves imports of parsed text against options.file', () => {
    const dir = tree({ 'x.conf': 'log\n' });
    const corefile = parseCorefile('. {\n  import x.conf\n}', { file: join(dir, 'Corefile') });
    assert.deepEqual(shape(corefile), [{ keys: ['.:53'], directives: ['log'] }]);
    assert.deepEqual(corefile.files, [join(dir, 'x.conf')]);
  });

  it('takes the directories above a Corefile literally, wildcard characters included', () => {
    const dir = tree({ 'we[ir]d/Corefile': '. {\n  import *.conf\n}\n', 'we[ir]d/x.conf': 'log\n' });
    assert.deepEqual(shape(readCorefile(join(dir, 'we[ir]d/Corefile'))), [{ keys: ['.:53'], directives: ['log'] }]);
  });

  it('fails on a missing file, naming the import', () => {
    const dir = tree({ Corefile: '. {\n\n  import missing.conf\n}\n' });
    const file = join(dir, 'Corefile');
    failsWith(() => readCorefile(file), `${file}:3: import missing.conf: ${join(dir, 'missing.conf')} is not a file`);
  });

  it('fails on a directory', () => {
    const dir = tree({ Corefile: '. {\n  import sub\n}\n', 'sub/x': '' });
    failsWith(() => readCorefile(join(dir, 'Corefile')), `${join(dir, 'Corefile')}:2: import sub: no snippet (sub) is defined above, and ${join(dir, 'sub')} is not a file`);
  });

  it('fails on wildcards before the last segment', () => {
    const dir = tree({ Corefile: '. {\n  import */x.conf\n}\n' });
    failsWith(() => readCorefile(join(dir, 'Corefile')), `${join(dir, 'Corefile')}:2: import */x.conf: wildcards are supported in the last path segment only`);
  });

  it("fails on an unclosed '['", () => {
    const dir = tree({ Corefile: '. {\n  import [ab.conf\n}\n' });
    failsWith(() => readCorefile(join(dir, 'Corefile')), `${join(dir, 'Corefile')}:2: import pattern [ab.conf: expected characters and a closing ']' after '['`);
  });

  it('fails on an import cycle', () => {
    const dir = tree({ Corefile: '. {\n  import a.conf\n}\n', 'a.conf': 'log\nimport b.conf\n', 'b.conf': '\nimport a.conf\n' });
    const [corefile, a, b] = ['Corefile', 'a.conf', 'b.conf'].map((f) => join(dir, f));
    failsWith(() => readCorefile(corefile!), `${b}:2: import cycle: ${a} -> ${b} -> ${a}`);
  });

  it('fails on a glob that matches the importing Corefile', () => {
    const dir = tree({ Corefile: '. {\n  import *\n}\n' });
    const file = join(dir, 'Corefile');
    failsWith(() => readCorefile(file), `${file}:2: import cycle: ${file} -> ${file}`);
  });

  it('reports errors inside an imported file at its own position', () => {
    const dir = tree({ Corefile: '. {\n  import bad.conf\n}\n', 'bad.conf': 'log\nforward . 1.1.1.1 {\n' });
    failsWith(() => readCorefile(join(dir, 'Corefile')), `${join(dir, 'bad.conf')}:2: unclosed block`, 'CHAINDNS_COREFILE_SYNTAX');
  });

  it('fails on duplicates across files, naming both', () => {
    const dir = tree({ Corefile: 'import z.conf\n. {\n}\n', 'z.conf': '.:53 {\n}\n' });
    const message = `${join(dir, 'Corefile')}:2: zone . on port 53 is already defined at ${join(dir, 'z.conf')}:1`;
    const blocks = readCorefile(join(dir, 'Corefile')).blocks;
    failsWith(() => {
      throw duplicateKeys(blocks, [false, false])[0] ?? new Error('no duplicate found');
    }, message, 'CHAINDNS_DUPLICATE_KEY');
    // A block with a view shares its zone and port (the view plugin declares it).
    assert.deepEqual(duplicateKeys(blocks, [true, false]), []);
  });

  it('fails on a Corefile that cannot be read', () => {
    const file = join(root, 'no-such-Corefile');
    failsWith(() => readCorefile(file), `cannot read the Corefile ${file}: `);
  });
});
