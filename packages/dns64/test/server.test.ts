import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { definePlugin, QType, reply } from '@chaindns/core';
import { readmeCorefiles, startTestServer, type TestServer } from '@chaindns/core/testing';
import { dns64 } from '../src/index.js';

/** Listens on ::1 and 127.0.0.1, as the bind plugin would. */
const bind = definePlugin<null>({ name: 'bind', parse: () => null, setup: (_c, ctx) => ctx.bind(['::1', '127.0.0.1']) });

/** A zone where v4.example.org has A only and v6.example.org both. */
const backend = definePlugin<null>({
  name: 'backend',
  parse: () => null,
  setup: () => ({
    name: 'backend',
    serveDNS(req, w) {
      if (req.qtype === QType.A) w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 300, data: '192.0.2.33' }] }));
      else if (req.qtype === QType.AAAA && req.qname === 'v6.example.org.') w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'AAAA', ttl: 300, data: '2001:db8::1' }] }));
      else w.write(reply(req));
      return 0;
    },
  }),
});

/** A README example with the stand-ins added to its block. */
const start = (corefile: string): Promise<TestServer> => startTestServer(corefile.replace(/\}\s*$/, '    bind\n    backend\n}\n'), { plugins: [bind, dns64, backend] });
const aaaa = async (s: TestServer, name: string, address: string, transport: 'udp' | 'tcp') =>
  ((await s.query(name, 'AAAA', { address, transport })).packet.answers ?? []).map((r) => (r as { data: string }).data);

/** Per README example: what v4 and v6 get from ::1, and v4 from 127.0.0.1. */
const expectations = [
  { v4: ['64:ff9b::c000:221'], v6: ['2001:db8::1'], fromIPv4: [] },
  { v4: ['64:1337::c000:221'], v6: ['2001:db8::1'], fromIPv4: [] },
  { v4: ['64:1337::c000:221'], v6: ['2001:db8::1'], fromIPv4: [] },
  { v4: ['64:ff9b::c000:221'], v6: ['64:ff9b::c000:221'], fromIPv4: [] },
  { v4: ['64:ff9b::c000:221'], v6: ['2001:db8::1'], fromIPv4: ['64:ff9b::c000:221'] },
];

test('every README example loads and answers over UDP and TCP, from ::1 and 127.0.0.1', async (t) => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, expectations.length);
  for (const [i, corefile] of examples.entries()) {
    await t.test(`example ${i + 1}`, async () => {
      const s = await start(corefile);
      try {
        const want = expectations[i]!;
        for (const transport of ['udp', 'tcp'] as const) {
          assert.deepEqual(await aaaa(s, 'v4.example.org', '::1', transport), want.v4);
          assert.deepEqual(await aaaa(s, 'v6.example.org', '::1', transport), want.v6);
          assert.deepEqual(await aaaa(s, 'v4.example.org', '127.0.0.1', transport), want.fromIPv4);
        }
      } finally {
        await s.stop();
      }
    });
  }
});

test('dig over IPv6 gets the synthesized AAAA', async () => {
  const s = await start(readmeCorefiles(new URL('../../README.md', import.meta.url).pathname)[0]!);
  try {
    const { stdout } = await promisify(execFile)('dig', ['@::1', '-p', String(s.port), '+time=2', '+tries=1', 'v4.example.org', 'AAAA'], { encoding: 'utf8' });
    assert.match(stdout, /status: NOERROR/);
    assert.match(stdout, /^v4\.example\.org\.\s+300\s+IN\s+AAAA\s+64:ff9b::c000:221$/m);
  } finally {
    await s.stop();
  }
});
