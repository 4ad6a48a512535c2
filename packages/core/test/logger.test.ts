import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { definePlugin, PluginRegistry, reply, Server, type ServerOptions } from '../src/index.js';
import { query } from '../src/testing/index.js';

const index = new URL('../src/index.js', import.meta.url).href;

test('the default logger on a stdout pipe that stalls queues a bounded amount, and counts what it drops', async () => {
  const total = 100_000;
  // The child floods ERROR lines into a pipe nobody reads yet, reports what it holds, then exits once it has written all.
  const script = `
    const { createLogger } = await import(${JSON.stringify(index)});
    const log = createLogger().child('plugin/errors');
    globalThis.gc();
    const heap = process.memoryUsage().heapUsed;
    for (let i = 0; i < ${total}; i++) log.error('2 name' + String(i).padStart(6, '0') + '.example.org. A: dial udp 192.0.2.53:53: connection refused');
    globalThis.gc();
    process.stderr.write(JSON.stringify({ queued: process.stdout.writableLength, highWaterMark: process.stdout.writableHighWaterMark, heapGrowth: process.memoryUsage().heapUsed - heap }) + '\\n');
  `;
  const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stats = await new Promise<{ queued: number; highWaterMark: number; heapGrowth: number }>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('\n')) resolve(JSON.parse(err) as { queued: number; highWaterMark: number; heapGrowth: number });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.once('exit', r));
  // Unbounded, 100,000 lines of about 90 bytes are 9 MB in the stream's queue. Bounded, it takes lines until it
  // asks to wait for 'drain' (its high-water mark: 16 KiB on Node.js 20, 64 KiB from 22), then the writer holds them.
  assert.ok(stats.queued < stats.highWaterMark + 1024, `stdout's queue holds ${stats.queued} bytes (its high-water mark: ${stats.highWaterMark})`);
  assert.ok(stats.heapGrowth < 4 * 1024 * 1024, `the heap grew by ${stats.heapGrowth} bytes`);
  const lines = out.split('\n').filter(Boolean);
  const reports = lines.filter((l) => l.startsWith('[WARNING]'));
  assert.equal(reports.length, 1, reports.join('\n'));
  const dropped = Number(/^\[WARNING\] (\d+) log lines dropped: the output did not keep up$/.exec(reports[0]!)?.[1]);
  const errors = lines.filter((l) => !l.startsWith('[WARNING]'));
  assert.ok(dropped > 0 && errors.length + dropped === total, `${errors.length} written + ${dropped} dropped`);
  for (const l of errors) assert.match(l, /^\[ERROR\] plugin\/errors: 2 name\d{6}\.example\.org\. A: dial udp 192\.0\.2\.53:53: connection refused$/);
});

/** `talk`: logs at every level from setup and answers A. */
const talk = definePlugin<null>({
  name: 'talk',
  parse: () => null,
  setup(_config, ctx) {
    ctx.log.debug('debugging');
    ctx.log.info('hello');
    ctx.log.warn('careful');
    ctx.log.error('oops');
    return { name: 'talk', serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '192.0.2.1' }] })), 0) };
  },
});

/** `dbg`: turns the server's debug lines on, as the debug plugin does. */
const dbg = definePlugin<null>({ name: 'dbg', parse: () => null, setup: (_c, ctx) => ctx.enableDebug() });

const serverWith = (logger: ServerOptions['logger']): Server =>
  new Server({ corefile: '. {\n  dbg\n  talk\n}', plugins: new PluginRegistry(['dbg', 'talk'], [dbg, talk]), dnsPort: 0, defaultAddresses: ['127.0.0.1'], logger });

test('a console, or any object with info, warn and error, is a logger', async (t) => {
  const plain: string[] = [];
  const withDebug: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let printed = '';
  stdout.on('data', (d: Buffer) => (printed += `out ${d.toString()}`));
  stderr.on('data', (d: Buffer) => (printed += `err ${d.toString()}`));
  const cases: { name: string; logger: ServerOptions['logger']; lines: () => string[]; want: RegExp[] }[] = [
    {
      name: 'a plain { info, warn, error } object',
      logger: { info: (m: string) => plain.push(`info ${m}`), warn: (m: string) => plain.push(`warn ${m}`), error: (m: string) => plain.push(`error ${m}`) },
      lines: () => plain,
      want: [/^info plugin\/talk: hello$/, /^warn plugin\/talk: careful$/, /^error plugin\/talk: oops$/, /^info dns:\/\/:\d+ on 127\.0\.0\.1:\d+ \(udp: (\S+), tcp: (node:net|\1)\)$/],
    },
    {
      name: 'an object with debug, called as methods (this kept)',
      logger: new (class {
        readonly lines = withDebug;
        debug(m: string) { this.lines.push(`debug ${m}`); }
        info(m: string) { this.lines.push(`info ${m}`); }
        warn(m: string) { this.lines.push(`warn ${m}`); }
        error(m: string) { this.lines.push(`error ${m}`); }
      })(),
      lines: () => withDebug,
      want: [/^debug plugin\/talk: debugging$/, /^info plugin\/talk: hello$/, /^warn plugin\/talk: careful$/, /^error plugin\/talk: oops$/],
    },
    {
      name: "a Console (node:console), info to its stdout, warn and error to its stderr",
      logger: new Console({ stdout, stderr }),
      lines: () => printed.split('\n').filter(Boolean),
      want: [/^out plugin\/talk: hello$/, /^err plugin\/talk: careful$/, /^err plugin\/talk: oops$/],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const server = serverWith(c.logger);
      await server.start();
      try {
        assert.equal((await query(server.addresses()[0]!.port, 'example.org', 'A')).rcode, 0);
        await new Promise((r) => setImmediate(r));
        for (const want of c.want) assert.ok(c.lines().some((l) => want.test(l)), `${want} in\n${c.lines().join('\n')}`);
      } finally {
        await server.stop();
      }
    });
  }
});

test('a logger without info, warn and error fails at once, saying what a logger needs', () => {
  for (const bad of [{ log: () => {} }, { info: () => {}, warn: 'no', error: () => {} }, null]) {
    assert.throws(
      () => serverWith(bad as unknown as ServerOptions['logger']),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'CHAINDNS_OPTIONS');
        assert.match(err.message, /^logger: expected an object with info, warn and error methods \(such as console\), but it has no /);
        return true;
      },
    );
  }
});
