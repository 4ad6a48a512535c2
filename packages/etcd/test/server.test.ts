import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { definePlugin } from '@chaindns/core';
import { eventually, freePort, readmeCorefiles, startTestServer, type TestServer } from '@chaindns/core/testing';
import { etcd } from '../src/index.js';
import { startEtcd, type TestEtcd } from './etcd-server.js';

const readme = new URL('../../README.md', import.meta.url).pathname;

/** The README examples' other plugins, as pass-throughs: these tests send nothing off the machine. */
const standIns = ['prometheus', 'cache', 'loadbalance', 'forward'].map((name) =>
  definePlugin<null>({ name, parse: () => null, setup: () => ({ name, serveDNS: (req, w, next) => next(req, w) }) }),
);
const plugins = [...standIns.slice(0, 3), etcd, standIns[3]!];

let store: TestEtcd;
/** An endpoint where no etcd listens (the README's second endpoint). */
let dead: string;
before(async () => {
  store = await startEtcd();
  dead = `http://127.0.0.1:${await freePort()}`;
});
after(() => store?.stop());

/** A README example pointed at the test's etcd: its endpoints replaced, or one added where it names none. */
function local(corefile: string): string {
  if (/endpoint/.test(corefile)) return corefile.replaceAll('http://localhost:2379', store.endpoint).replaceAll('http://localhost:4001', dead);
  return corefile.replace(/^(\s*)etcd([^\n{]*?)\s*(\{?)\s*$/m, (_m, indent: string, args: string, open: string) => `${indent}etcd${args} {\n${indent}    endpoint ${store.endpoint}${open ? '' : `\n${indent}}`}`);
}

test('every README example loads and answers over UDP and TCP (one of two endpoints dead in the third)', async (t) => {
  const examples = readmeCorefiles(readme);
  assert.equal(examples.length, 4);
  await store.client.delete().prefix('/skydns/');
  await store.put('/skydns/local/skydns/x', { host: '192.0.2.1' });
  for (const [i, corefile] of examples.entries()) {
    await t.test(`example ${i + 1}`, async () => {
      const s = await startTestServer(local(corefile), { plugins });
      try {
        await eventually(async () => (await s.query('x.skydns.local', 'A')).packet.answers?.length === 1, 10_000, 'the answer');
        for (const transport of ['udp', 'tcp'] as const) {
          const r = await s.query('x.skydns.local', 'A', { transport });
          assert.deepEqual(
            r.packet.answers?.map((a) => [a.name, (a as { data: string }).data]),
            [['x.skydns.local', '192.0.2.1']],
          );
          assert.equal((await s.query('nothing.skydns.local', 'A', { transport })).rcode, 3);
        }
      } finally {
        await s.stop();
      }
    });
  }
});

/** The README's shell sessions: each section's `etcdctl put` lines, then a `dig` and the output it shows. */
function sessions(): { puts: [string, string][]; dig: string[]; want: string[] }[] {
  const out: { puts: [string, string][]; dig: string[]; want: string[] }[] = [];
  let puts: [string, string][] = [];
  const fence = /^~~~ sh\n([\s\S]*?)^~~~$/gm;
  const text = readFileSync(readme, 'utf8');
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const lines = m[1]!.trimEnd().split('\n');
    for (const [i, line] of lines.entries()) {
      const put = /^% etcdctl put (\S+) '(.*)'$/.exec(line);
      if (put) puts.push([put[1]!, put[2]!]);
      if (line.startsWith('% dig ')) {
        out.push({ puts, dig: line.slice(6).split(' '), want: lines.slice(i + 1) });
        puts = [];
      }
    }
  }
  return out;
}

test("the README's etcdctl and dig sessions: what dig prints is what the README shows", async (t) => {
  const all = sessions();
  assert.equal(all.length, 6);
  const reverse = readmeCorefiles(readme).find((c) => c.includes('10.0.0.0/24'))!;
  const s: TestServer = await startTestServer(local(reverse), { plugins });
  try {
    for (const session of all) {
      await t.test(session.dig.join(' '), async () => {
        await store.client.delete().prefix('/skydns/');
        for (const [key, value] of session.puts) await store.put(key, value);
        const args = session.dig.flatMap((a) => (a === '@localhost' ? ['@127.0.0.1', '-p', String(s.port)] : [a]));
        const dig = async (): Promise<string[]> => (await promisify(execFile)('dig', [...args, '+time=2', '+tries=1'], { encoding: 'utf8' })).stdout.trimEnd().split('\n');
        await eventually(async () => assert.deepEqual(await dig(), session.want), 2000);
      });
    }
  } finally {
    await s.stop();
  }
});
