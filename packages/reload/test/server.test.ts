import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildQuery, configError, createLogger, definePlugin, expectArgs, PluginRegistry, reply, Server } from '@chaindns/core';
import { query, eventually } from '@chaindns/core/testing';
import { reload } from '../src/index.js';

/** `answer IP`: answers every A query with IP. */
const answer = definePlugin<string>({
  name: 'answer',
  parse(d) {
    const [ip] = expectArgs(d, 1, 1);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip!.text)) configError(ip!, `answer: "${ip!.text}" is not an IPv4 address`);
    return ip!.text;
  },
  setup: (ip) => ({ name: 'answer', serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: ip }] })), 0) }),
});

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaindns-reload-server-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Replaces a file whole (write then rename), as a ConfigMap update does, so no check sees it half written. */
function put(path: string, text: string): void {
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

interface Running {
  readonly server: Server;
  readonly port: number;
  readonly logs: string[];
  answer(): Promise<string>;
  metric(name: string): Promise<{ labels: Partial<Record<string, string | number>>; value: number }[]>;
}

/** A server started from the Corefile file at `path`, on 127.0.0.1 and a free port. */
async function start(path: string, corefile: string | { path: string } = { path }): Promise<Running> {
  const logs: string[] = [];
  const server = new Server({
    corefile,
    plugins: new PluginRegistry(['reload', 'answer'], [reload, answer]),
    dnsPort: 0,
    defaultAddresses: ['127.0.0.1'],
    drainTimeoutMs: 1000,
    logger: createLogger({ sink: (line) => logs.push(line) }),
  });
  await server.start();
  const port = server.addresses()[0]!.port;
  return {
    server,
    port,
    logs,
    answer: async () => ((await query(port, 'x.example', 'A')).packet.answers?.[0] as { data: string }).data,
    metric: async (name) => (await server.registry.getSingleMetric(name)!.get()).values,
  };
}

const block = (ip: string, reloadArgs = '2s 1s'): string => `. {\n  reload ${reloadArgs}\n  answer ${ip}\n}\n`;
const count = (logs: string[], text: string): number => logs.filter((l) => l.includes(text)).length;

test('an edited Corefile is reloaded within the interval, and no UDP query is lost during the swap', async (t) => {
  const path = join(dir, 'Corefile.edit');
  put(path, block('10.0.0.1'));
  const s = await start(path);
  try {
    assert.equal(await s.answer(), '10.0.0.1');
    const [first] = await s.metric('coredns_reload_version_info');
    assert.equal(first?.labels.hash, 'sha512');
    assert.match(String(first?.labels.value), /^[0-9a-f]{128}$/);
    assert.equal(count(s.logs, 'plugin/reload: Running configuration SHA512 = ' + String(first?.labels.value)), 1);

    // A steady UDP stream from before the edit to after the swap.
    const sock = dgram.createSocket('udp4');
    const answers = new Map<number, string>();
    sock.on('message', (m) => answers.set(m.readUInt16BE(0), m.subarray(m.length - 4).join('.')));
    let sent = 0;
    const stream = setInterval(() => {
      for (let i = 0; i < 10 && sent < 20_000; i++) sock.send(buildQuery('x.example', 1, { id: sent++ % 0x10000 }), s.port, '127.0.0.1');
    }, 5);
    await new Promise((r) => setTimeout(r, 100));
    put(path, block('10.0.0.2'));
    const took = await eventually(async () => (await s.answer()) === '10.0.0.2', 6000, 'the new answer');
    await new Promise((r) => setTimeout(r, 200));
    clearInterval(stream);
    await new Promise((r) => setTimeout(r, 300));
    sock.close();

    t.diagnostic(`reloaded ${took}ms after the edit; ${sent} UDP queries sent, ${answers.size} answered`);
    assert.ok(took < 4000, `reloaded after ${took}ms`);
    assert.ok(sent < 0x10000, 'ids stay unique');
    assert.equal(answers.size, sent, `all ${sent} queries answered`);
    assert.deepEqual([...new Set(answers.values())].sort(), ['10.0.0.1', '10.0.0.2']);
    const versions = await s.metric('coredns_reload_version_info');
    assert.equal(versions.length, 1);
    assert.notEqual(versions[0]!.labels.value, first!.labels.value);
    assert.equal((await s.metric('coredns_reload_failed_total'))[0]?.value ?? 0, 0);
    assert.equal(count(s.logs, 'Reloading complete'), 1);
  } finally {
    await s.server.stop();
  }
});

test('a broken edit keeps the old config serving, is counted once, and a fixed one loads', async () => {
  const path = join(dir, 'Corefile.broken');
  put(path, block('10.0.0.1'));
  const s = await start(path);
  try {
    const failed = async (): Promise<number> => (await s.metric('coredns_reload_failed_total'))[0]?.value ?? 0;
    put(path, '. {\n  reload 2s 1s\n  answer nope\n}\n');
    await eventually(async () => (await failed()) === 1, 6000, 'the failed reload');
    assert.equal(await s.answer(), '10.0.0.1');
    assert.ok(s.logs.some((l) => /^\[ERROR\] reload failed, the old config keeps serving: .*Corefile\.broken:3: answer: "nope" is not an IPv4 address/.test(l)), s.logs.join('\n'));

    // The same broken content is not tried again.
    await new Promise((r) => setTimeout(r, 2600));
    assert.equal(await failed(), 1);

    // A syntax error counts too.
    put(path, '. {\n  reload 2s 1s\n  answer 10.0.0.3\n');
    await eventually(async () => (await failed()) === 2, 6000, 'the second failed reload');
    assert.equal(await s.answer(), '10.0.0.1');

    put(path, block('10.0.0.3'));
    await eventually(async () => (await s.answer()) === '10.0.0.3', 6000, 'the fixed config');
    assert.equal(await failed(), 2);
  } finally {
    await s.server.stop();
  }
});

test('an imported file is watched; several blocks with reload make one watcher; removing reload ends the watch', async () => {
  const path = join(dir, 'Corefile.import');
  const snippet = join(dir, 'answer.conf');
  put(snippet, 'answer 10.0.0.1\n');
  const twoBlocks = (reloadLine: string): string => `example.org {\n  ${reloadLine}\n  import answer.conf\n}\nx.example {\n  ${reloadLine}\n  import answer.conf\n}\n`;
  put(path, twoBlocks('reload 2s 1s'));
  const s = await start(path);
  try {
    assert.equal(count(s.logs, 'Running configuration SHA512'), 1);
    put(snippet, 'answer 10.0.0.2\n');
    await eventually(async () => (await s.answer()) === '10.0.0.2', 6000, 'the import change');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(count(s.logs, 'Reloading complete'), 1, 'one reload for one change');
    assert.equal(count(s.logs, 'Running configuration SHA512'), 2, 'one watcher per generation');

    put(path, twoBlocks('# reload removed'));
    await eventually(() => count(s.logs, 'Reloading complete') === 2, 6000, 'the config without reload');
    put(snippet, 'answer 10.0.0.3\n');
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await s.answer(), '10.0.0.2', 'nothing watches any more');
  } finally {
    await s.server.stop();
  }
});

test('a Corefile given as text has nothing to watch: a warning, and no reload', async () => {
  const s = await start('', block('10.0.0.1'));
  try {
    assert.equal(await s.answer(), '10.0.0.1');
    assert.ok(s.logs.includes('[WARNING] plugin/reload: the Corefile was not read from a file: there is nothing to watch'), s.logs.join('\n'));
    assert.equal((await s.metric('coredns_reload_version_info')).length, 0);
  } finally {
    await s.server.stop();
  }
});
