import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Rcode } from '@chaindns/core';
import { assertCase, dig, eventually, readmeCorefiles, standIn, startTestServer } from '@chaindns/core/testing';
import { file } from '../src/index.js';

const README = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

/** The README's db.example.org. */
const DB_EXAMPLE_ORG = `$ORIGIN example.org.
@	3600 IN	SOA sns.dns.icann.org. noc.dns.icann.org. 2017042745 7200 3600 1209600 3600
	3600 IN NS a.iana-servers.net.
	3600 IN NS b.iana-servers.net.

www     IN A     127.0.0.1
        IN AAAA  ::1
`;

/** A signed zone with relative names only, so one file serves example.org and example.net. */
const SIGNED = `$TTL 3600
@       SOA  ns1 hostmaster 2024010101 7200 3600 1209600 300
        RRSIG SOA 13 2 3600 20300101000000 20240101000000 12345 @ c2lnbmF0dXJlIG9mIHRoZSBTT0E=
        NS   ns1
        RRSIG NS 13 2 3600 20300101000000 20240101000000 12345 @ c2lnbmF0dXJlIG9mIHRoZSBOUw==
ns1     A    192.0.2.53
www     A    192.0.2.1
        RRSIG A 13 3 3600 20300101000000 20240101000000 12345 @ c2lnbmF0dXJlIG9mIHd3dyBB
`;

const SOA = 'example.org. 3600 IN SOA sns.dns.icann.org. noc.dns.icann.org. 2017042745 7200 3600 1209600 3600';
const AUTH = ['example.org. 3600 IN NS a.iana-servers.net.', 'example.org. 3600 IN NS b.iana-servers.net.'];

let dir: string;
const home = process.cwd();
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaindns-file-'));
  writeFileSync(join(dir, 'db.example.org'), DB_EXAMPLE_ORG);
  writeFileSync(join(dir, 'example.org.signed'), SIGNED);
  // The README's DBFILE paths are relative: taken from the working directory, as CoreDNS without root.
  process.chdir(dir);
});
after(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

/** What each README example is asked, and what CoreDNS answers. */
const expectations: Record<number, (s: Awaited<ReturnType<typeof startTestServer>>, transport: 'udp' | 'tcp') => Promise<void>> = {
  0: async (s, transport) => {
    assertCase((await s.query('www.example.org', 'AAAA', { transport })).packet, { qname: 'www.example.org', qtype: 'AAAA', authoritative: true, answer: ['www.example.org. 3600 IN AAAA ::1'], ns: AUTH });
    assertCase((await s.query('nope.example.org', 'A', { transport })).packet, { qname: 'nope.example.org', qtype: 'A', rcode: 'NXDOMAIN', authoritative: true, answer: [], ns: [SOA] });
  },
  1: async (s, transport) => {
    for (const zone of ['example.org', 'example.net']) {
      const plain = await s.query(`www.${zone}`, 'A', { transport });
      assertCase(plain.packet, { qname: `www.${zone}`, qtype: 'A', authoritative: true, answer: [`www.${zone}. 3600 IN A 192.0.2.1`], ns: [`${zone}. 3600 IN NS ns1.${zone}.`], extra: [] });
      const signed = await s.query(`www.${zone}`, 'A', { transport, edns: { udpSize: 1232, do: true } });
      assert.deepEqual(signed.packet.answers?.map((a) => a.type), ['A', 'RRSIG'], `www.${zone} with DO`);
    }
  },
  2: async (s, transport) => {
    // The origin is the root: example.org's NS records are a zone cut below it, so CoreDNS refers.
    assertCase((await s.query('www.example.org', 'A', { transport })).packet, { qname: 'www.example.org', qtype: 'A', authoritative: false, answer: [], ns: AUTH, extra: [] });
  },
  3: async (s, transport) => {
    assertCase((await s.query('www.example.org', 'A', { transport })).packet, { qname: 'www.example.org', qtype: 'A', authoritative: true, answer: ['www.example.org. 3600 IN A 127.0.0.1'], ns: AUTH });
    // Nothing follows file in this chain: a name outside its zone is refused, as CoreDNS's file without a next plugin.
    assert.equal((await s.query('www.example.com', 'A', { transport })).rcode, Rcode.REFUSED);
  },
};
expectations[4] = expectations[0]!;
expectations[5] = expectations[0]!;

for (const [i, corefile] of README.entries()) {
  test(`README example ${i + 1} serves over UDP and TCP: ${corefile.replace(/\s+/g, ' ').trim()}`, async () => {
    const expect = expectations[i];
    assert.ok(expect, `example ${i + 1} has expectations`);
    const s = await startTestServer(corefile, { plugins: [file] });
    try {
      for (const transport of ['udp', 'tcp'] as const) await expect(s, transport);
    } finally {
      await s.stop();
    }
  });
}

test('real dig gets the authoritative answer', { skip: !existsSync('/usr/bin/dig') && 'dig is not installed (apt-get install bind9-dnsutils)' }, async () => {
  const s = await startTestServer(README[0]!, { plugins: [file] });
  try {
    for (const proto of ['+notcp', '+tcp']) {
      const stdout = await dig(s.port, 'WWW.Example.ORG', 'AAAA', proto, '+norec');
      assert.match(stdout, /status: NOERROR/);
      assert.match(stdout, /flags: qr aa;/);
      assert.match(stdout, /^WWW\.Example\.ORG\.\s+3600\s+IN\s+AAAA\s+::1$/m);
      // The apex in the authority section is compressed against the question, so it keeps its letters too.
      assert.match(stdout, /^Example\.ORG\.\s+3600\s+IN\s+NS\s+a\.iana-servers\.net\.$/m);
    }
    const stdout = await dig(s.port, 'nope.example.org');
    assert.match(stdout, /status: NXDOMAIN/);
    assert.match(stdout, /AUTHORITY SECTION:\nexample\.org\.\s+3600\s+IN\s+SOA\s+sns\.dns\.icann\.org\./);
  } finally {
    await s.stop();
  }
});

/** A zone whose serial and address are given, written to `path`. */
function zoneText(serial: number, address: string): string {
  return `$ORIGIN reload.test.\n@ 60 IN SOA ns hostmaster ${serial} 7200 3600 1209600 60\n  60 IN NS ns\nns 60 IN A 192.0.2.53\nwww 60 IN A ${address}\n`;
}

async function address(s: Awaited<ReturnType<typeof startTestServer>>): Promise<string | undefined> {
  const r = await s.query('www.reload.test', 'A');
  return (r.packet.answers?.[0] as { data?: string } | undefined)?.data;
}

test('reload: a new serial is served after a real rewrite; the same serial, or a file that does not parse, is not', async () => {
  const path = join(dir, 'db.reload.test');
  writeFileSync(path, zoneText(1, '192.0.2.1'));
  const s = await startTestServer(`reload.test {\n  file ${path} {\n    reload 50ms\n  }\n}`, { plugins: [file] });
  try {
    assert.equal(await address(s), '192.0.2.1');
    writeFileSync(path, zoneText(1, '192.0.2.99'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await address(s), '192.0.2.1', 'same serial: not reloaded');
    writeFileSync(path, zoneText(2, '192.0.2.2'));
    await eventually(async () => assert.equal(await address(s), '192.0.2.2'), 3000, 'the new serial served');
    assert.ok(s.logs.some((l) => l === '[INFO] plugin/file: Successfully reloaded zone "reload.test." in "' + path + '" with 2 SOA serial'), s.logs.join('\n'));
    writeFileSync(path, zoneText(3, '192.0.2.3').replace('www 60 IN A', 'www 60 IN AAAA'));
    await eventually(() => s.logs.some((l) => l.startsWith('[ERROR] plugin/file: Parsing zone "reload.test.": ') && l.includes('db.reload.test:5: address: "192.0.2.3" is not an IPv6 address')), 3000, 'the parse error logged');
    assert.equal(await address(s), '192.0.2.2', 'the old zone keeps serving');
  } finally {
    await s.stop();
  }
});

test('reload_by_mtime reads the file again when it is newer, whatever its serial', async () => {
  const path = join(dir, 'db.mtime.test');
  writeFileSync(path, zoneText(7, '192.0.2.1').replace(/reload\.test/g, 'mtime.test'));
  utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  const s = await startTestServer(`mtime.test {\n  file ${path} {\n    reload 50ms\n    reload_by_mtime\n  }\n}`, { plugins: [file] });
  const ask = async (): Promise<string | undefined> => ((await s.query('www.mtime.test', 'A')).packet.answers?.[0] as { data?: string } | undefined)?.data;
  try {
    assert.equal(await ask(), '192.0.2.1');
    writeFileSync(path, zoneText(7, '192.0.2.7').replace(/reload\.test/g, 'mtime.test'));
    await eventually(async () => assert.equal(await ask(), '192.0.2.7'), 3000, 'the rewritten file served');
  } finally {
    await s.stop();
  }
});

test('a missing file with reload on: SERVFAIL and a warning until it appears, then served', async () => {
  const path = join(dir, 'db.late.test');
  const s = await startTestServer(`late.test {\n  file ${path} {\n    reload 50ms\n  }\n}`, { plugins: [file] });
  try {
    assert.ok(s.logs.some((l) => l.startsWith('[WARNING] plugin/file: Failed to open') && l.includes('db.late.test')), s.logs.join('\n'));
    assert.equal((await s.query('www.late.test', 'A')).rcode, Rcode.SERVFAIL);
    writeFileSync(path, zoneText(1, '192.0.2.5').replace(/reload\.test/g, 'late.test'));
    await eventually(async () => assert.equal(((await s.query('www.late.test', 'A')).packet.answers?.[0] as { data?: string } | undefined)?.data, '192.0.2.5'), 3000);
  } finally {
    await s.stop();
  }
  await assert.rejects(startTestServer(`late2.test {\n  file ${join(dir, 'db.none')} {\n    reload 0\n  }\n}`, { plugins: [file] }), /Corefile:2: file: ENOENT: no such file or directory/);
});

test('a zone file that does not parse stops the start with its file:line', async () => {
  const path = join(dir, 'db.bad.test');
  writeFileSync(path, '$ORIGIN bad.test.\n@ SOA ns hostmaster 1 2 3 4 5\nwww A 300.1.1.1\n');
  await assert.rejects(startTestServer(`bad.test {\n  file ${path}\n}`, { plugins: [file] }), (err: Error) => {
    assert.match(err.message, /Corefile:2: file: .*db\.bad\.test:3: address: "300\.1\.1\.1" is not an IPv4 address/);
    return true;
  });
});

test('a CNAME into another server block is followed through the server; a loop between two blocks ends in SERVFAIL', async () => {
  const zone = (origin: string, records: string): string => `$ORIGIN ${origin}.\n@ 60 IN SOA ns hostmaster 1 7200 3600 1209600 60\n  60 IN NS ns\nns 60 IN A 192.0.2.53\n${records}`;
  writeFileSync(join(dir, 'db.a.test'), zone('a.test', 'www 60 IN CNAME www.b.test.\nloop 60 IN CNAME loop.b.test.\n'));
  writeFileSync(join(dir, 'db.b.test'), zone('b.test', 'www 60 IN A 192.0.2.2\nloop 60 IN CNAME loop.a.test.\n'));
  const s = await startTestServer('a.test {\n  file db.a.test\n}\nb.test {\n  file db.b.test\n}', { plugins: [file] });
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      assertCase((await s.query('www.a.test', 'A', { transport })).packet, { qname: 'www.a.test', qtype: 'A', authoritative: true, answer: ['www.a.test. 60 IN CNAME www.b.test.', 'www.b.test. 60 IN A 192.0.2.2'], ns: ['a.test. 60 IN NS ns.a.test.'] });
      const started = Date.now();
      const loop = await s.query('loop.a.test', 'A', { transport, timeoutMs: 3000 });
      assert.equal(loop.rcode, Rcode.SERVFAIL);
      assert.ok(loop.packet.answers!.length >= 2 && loop.packet.answers!.every((a) => a.type === 'CNAME'), 'the chain so far');
      assert.ok(Date.now() - started < 1000);
    }
  } finally {
    await s.stop();
  }
});

test('an answer larger than the client takes over UDP is truncated (TC), whole over TCP, the first time and from the kept reply', async () => {
  const txt = Array.from({ length: 40 }, (_, i) => `big 60 IN TXT "${'x'.repeat(40)} ${i}"`).join('\n');
  writeFileSync(join(dir, 'db.big.test'), `$ORIGIN big.test.\n@ 60 IN SOA ns hostmaster 1 7200 3600 1209600 60\n  60 IN NS ns\n${txt}\n`);
  const s = await startTestServer('big.test {\n  file db.big.test\n}', { plugins: [file] });
  try {
    for (let i = 0; i < 2; i++) {
      const udp = await s.query('big.big.test', 'TXT');
      assert.ok(udp.msg.length <= 512 && (udp.packet.flags! & 0x200) !== 0, 'truncated to 512 bytes with TC');
      const edns = await s.query('big.big.test', 'TXT', { edns: { udpSize: 1232 } });
      assert.ok(edns.msg.length <= 1232 && (edns.packet.flags! & 0x200) !== 0);
      const tcp = await s.query('big.big.test', 'TXT', { transport: 'tcp' });
      assert.equal(tcp.packet.answers?.length, 40);
      assert.equal(tcp.packet.flags! & 0x200, 0);
    }
  } finally {
    await s.stop();
  }
});

/** A next plugin that answers every query with TXT "next", to see fallthrough over sockets. */
const nextPlugin = standIn('next', (req) => ({ answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 0, class: 'IN', data: 'next' }] }));

test('fallthrough over sockets: a name the zone lacks goes to the next plugin', async () => {
  const s = await startTestServer(`example.org {\n  file db.example.org {\n    fallthrough\n  }\n  next\n}`, { plugins: [file, nextPlugin] });
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      assertCase((await s.query('nope.example.org', 'TXT', { transport })).packet, { qname: 'nope.example.org', qtype: 'TXT', answer: ['nope.example.org. 0 IN TXT "next"'] });
      assertCase((await s.query('www.example.org', 'TXT', { transport })).packet, { qname: 'www.example.org', qtype: 'TXT', authoritative: true, answer: [], ns: [SOA] });
    }
  } finally {
    await s.stop();
  }
});
