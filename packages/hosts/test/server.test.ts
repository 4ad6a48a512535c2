import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AnyPluginDefinition } from '@chaindns/core';
import { assertCase, type Case, dig, eventually, readmeCorefiles, standIn, startTestServer, type TestServer } from '@chaindns/core/testing';
import { hosts } from '../src/index.js';

/** Stand-ins for the plugins the README examples name after hosts: each answers every query with its own A record, so a test sees who answered. */
function answering(name: string, address: string): AnyPluginDefinition {
  return standIn(name, (req) => ({ answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: address }] })) as AnyPluginDefinition;
}
const FORWARD = '192.0.2.53';
const WHOAMI = '192.0.2.99';
const plugins = [hosts as AnyPluginDefinition, answering('forward', FORWARD), answering('whoami', WHOAMI)];

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaindns-hosts-server-'));
  // The README's examples read example.hosts from the working directory.
  writeFileSync(
    join(dir, 'example.hosts'),
    ['10.1.0.1 host1.example.org', 'fd00::1 host1.example.org', '10.1.0.2 host2.example.net', '10.1.0.3 other.example', '192.168.1.20 www.example.com'].join('\n'),
  );
  process.chdir(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Replaces a file whole (write then rename), as a ConfigMap update does. */
function put(path: string, text: string): void {
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

type Row = Case & { servfail?: boolean };

/** Asks `s` every row over UDP and TCP. */
async function ask(s: TestServer, rows: readonly Row[]): Promise<void> {
  for (const transport of ['udp', 'tcp'] as const) {
    for (const row of rows) {
      const { packet, rcode } = await s.query(row.qname, row.qtype as 'A', { transport });
      if (row.servfail) assert.equal(rcode, 2, `${row.qname} ${row.qtype} over ${transport}: SERVFAIL`);
      else assertCase(packet, row);
    }
  }
}

const readme = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
const hasLocalhost = /^\s*127\.0\.0\.1\s+(?:\S+\s+)*localhost(?:\s|$)/m.test(readFileSync('/etc/hosts', 'utf8'));

/** What each README example answers, in the README's order. */
const expectations: { what: string; rows: Row[] }[] = [
  { what: '/etc/hosts', rows: hasLocalhost ? [{ qname: 'localhost', qtype: 'A', answer: ['localhost. 3600 IN A 127.0.0.1'], authoritative: true, ignoreTtl: true }] : [] },
  {
    what: 'example.hosts',
    rows: [
      { qname: 'host1.example.org', qtype: 'A', answer: ['host1.example.org. 3600 IN A 10.1.0.1'], authoritative: true },
      { qname: 'Host1.Example.ORG', qtype: 'AAAA', answer: ['host1.example.org. 3600 IN AAAA fd00::1'], authoritative: true },
      { qname: 'host2.example.net', qtype: 'MX', answer: [], ns: [], authoritative: true },
      { qname: '1.0.1.10.in-addr.arpa', qtype: 'PTR', answer: ['1.0.1.10.in-addr.arpa. 3600 IN PTR host1.example.org.'], authoritative: true },
      { qname: 'missing.example', qtype: 'A', servfail: true },
    ],
  },
  {
    what: 'example.hosts, example.org and example.net, fallthrough',
    rows: [
      { qname: 'host2.example.net', qtype: 'A', answer: ['host2.example.net. 3600 IN A 10.1.0.2'] },
      // Out of its zones (no PTR either), and nothing after hosts: SERVFAIL from the chain's end.
      { qname: 'other.example', qtype: 'A', servfail: true },
      { qname: '3.0.1.10.in-addr.arpa', qtype: 'PTR', servfail: true },
    ],
  },
  {
    what: 'inline, then whoami',
    rows: [
      { qname: 'example.org', qtype: 'A', answer: ['example.org. 3600 IN A 10.0.0.1'], authoritative: true },
      { qname: 'sub.example.org', qtype: 'A', answer: [`sub.example.org. 0 IN A ${WHOAMI}`] },
      { qname: 'example.hosts', qtype: 'A', answer: [`example.hosts. 0 IN A ${WHOAMI}`] },
    ],
  },
  {
    what: 'a wildcard with exceptions, then forward',
    rows: [
      { qname: 'www.example.com', qtype: 'A', answer: ['www.example.com. 3600 IN A 192.168.1.20', 'www.example.com. 3600 IN A 192.168.1.11'], ordered: true },
      { qname: 'apps.example.com', qtype: 'A', answer: ['apps.example.com. 3600 IN A 192.168.1.10'] },
      { qname: 'deep.apps.example.com', qtype: 'A', answer: [`deep.apps.example.com. 0 IN A ${FORWARD}`] },
      { qname: 'example.com', qtype: 'A', answer: [`example.com. 0 IN A ${FORWARD}`] },
      { qname: 'host1.example.org', qtype: 'A', answer: [`host1.example.org. 0 IN A ${FORWARD}`] },
    ],
  },
  { what: 'k3s NodeHosts', rows: [] },
];

test('every README example serves as CoreDNS answers it, over UDP and TCP', async (t) => {
  assert.equal(readme.length, expectations.length);
  for (const [i, corefile] of readme.entries()) {
    const { what, rows } = expectations[i]!;
    await t.test(what, async () => {
      const nodeHosts = join(dir, 'NodeHosts');
      put(nodeHosts, '10.2.0.1 node-1\n');
      const s = await startTestServer(corefile.replace('/etc/coredns/NodeHosts', nodeHosts), { plugins });
      try {
        await ask(s, rows);
      } finally {
        await s.stop();
      }
    });
  }
});

test("k3s's NodeHosts shape: ttl 60, a missing name falls through, the file reloaded", async () => {
  const path = join(dir, 'NodeHosts.k3s');
  put(path, '10.2.0.1 node-1\nfd00::2:1 node-1\n');
  const s = await startTestServer(`. {\n  hosts ${path} {\n    ttl 60\n    reload 200ms\n    fallthrough\n  }\n  forward . /etc/resolv.conf\n}\n`, { plugins });
  try {
    await ask(s, [
      { qname: 'node-1', qtype: 'A', answer: ['node-1. 60 IN A 10.2.0.1'], authoritative: true },
      { qname: 'node-1', qtype: 'AAAA', answer: ['node-1. 60 IN AAAA fd00::2:1'], authoritative: true },
      { qname: 'node-2', qtype: 'A', answer: [`node-2. 0 IN A ${FORWARD}`] },
      { qname: '1.0.2.10.in-addr.arpa', qtype: 'PTR', answer: ['1.0.2.10.in-addr.arpa. 60 IN PTR node-1.'] },
    ]);
    // A node joins: the rewritten file is served within the reload period.
    put(path, '10.2.0.1 node-1\nfd00::2:1 node-1\n10.2.0.2 node-2\n');
    const took = await eventually(async () => ((await s.query('node-2', 'A')).packet.answers?.[0] as { data?: string } | undefined)?.data === '10.2.0.2', 3000, 'node-2 from the rewritten file');
    assert.ok(took < 2000, `picked up after ${took} ms`);
    // Deleted: what was read stays; restored with other content: read again.
    rmSync(path);
    await new Promise((r) => setTimeout(r, 500));
    await ask(s, [{ qname: 'node-2', qtype: 'A', answer: ['node-2. 60 IN A 10.2.0.2'] }]);
    put(path, '10.2.0.3 node-3\n');
    await eventually(async () => ((await s.query('node-3', 'A')).packet.answers?.[0] as { data?: string } | undefined)?.data === '10.2.0.3', 3000, 'node-3 from the restored file');
    await ask(s, [{ qname: 'node-2', qtype: 'A', answer: [`node-2. 0 IN A ${FORWARD}`] }]);
  } finally {
    await s.stop();
  }
});

test('a hosts file that does not exist yet: a warning, the inline entries, then the file once it appears', async () => {
  const path = join(dir, 'later.hosts');
  const s = await startTestServer(`. {\n  hosts ${path} {\n    10.5.0.1 inline.example\n    reload 100ms\n  }\n}\n`, { plugins });
  try {
    assert.ok(s.logs.includes(`[WARNING] plugin/hosts: File does not exist: ${path}`), s.logs.join('\n'));
    await ask(s, [
      { qname: 'inline.example', qtype: 'A', answer: ['inline.example. 3600 IN A 10.5.0.1'] },
      { qname: 'later.example', qtype: 'A', servfail: true },
    ]);
    put(path, '10.5.0.2 later.example\n');
    await eventually(async () => ((await s.query('later.example', 'A')).packet.answers?.[0] as { data?: string } | undefined)?.data === '10.5.0.2', 2000, 'the file once it appeared');
  } finally {
    await s.stop();
  }
});

test('a hosts file that cannot be looked at is a config error with file:line; a directory a warning', async () => {
  const file = join(dir, 'example.hosts');
  await assert.rejects(startTestServer(`. {\n  hosts ${file}/x\n}\n`, { plugins }), new RegExp(`Corefile:2: hosts: unable to access hosts file '${file}/x': ENOTDIR`));
  const s = await startTestServer(`. {\n  hosts ${dir} {\n    10.6.0.1 a.example\n  }\n}\n`, { plugins });
  try {
    assert.ok(s.logs.includes(`[WARNING] plugin/hosts: Hosts file "${dir}" is a directory`), s.logs.join('\n'));
    await ask(s, [{ qname: 'a.example', qtype: 'A', answer: ['a.example. 3600 IN A 10.6.0.1'] }]);
  } finally {
    await s.stop();
  }
});

test("operators' inline shape, with the default /etc/hosts", async () => {
  const s = await startTestServer('. {\n  hosts {\n    10.0.0.1 foo.example\n    fallthrough\n  }\n  forward . 127.0.0.1\n}\n', { plugins });
  try {
    await ask(s, [
      { qname: 'foo.example', qtype: 'A', answer: ['foo.example. 3600 IN A 10.0.0.1'], authoritative: true },
      { qname: 'foo.example', qtype: 'AAAA', answer: [], authoritative: true },
      { qname: '1.0.0.10.in-addr.arpa', qtype: 'PTR', answer: ['1.0.0.10.in-addr.arpa. 3600 IN PTR foo.example.'] },
      { qname: 'bar.example', qtype: 'A', answer: [`bar.example. 0 IN A ${FORWARD}`] },
    ]);
  } finally {
    await s.stop();
  }
});

test('names no query can ask for are skipped with one warning; the rest of the line serves', async () => {
  const path = join(dir, 'odd.hosts');
  put(path, `10.4.0.1 bad..name good.example ${'x'.repeat(64)}.example\n\x00\xff garbage\n10.4.0.2\n`);
  const s = await startTestServer(`. {\n  hosts ${path}\n}\n`, { plugins });
  try {
    await ask(s, [{ qname: 'good.example', qtype: 'A', answer: ['good.example. 3600 IN A 10.4.0.1'] }]);
    assert.deepEqual(
      s.logs.filter((l) => l.startsWith('[WARNING] plugin/hosts')),
      [`[WARNING] plugin/hosts: ${path}: skipped 2 names that no query can ask for`],
    );
  } finally {
    await s.stop();
  }
});

test('dig reads the answers', async () => {
  const s = await startTestServer('. {\n  hosts example.hosts\n}\n', { plugins });
  try {
    assert.equal((await dig(s.port, '+short', 'host1.example.org', 'A')).trim(), '10.1.0.1');
    assert.equal((await dig(s.port, '+short', '+tcp', 'host1.example.org', 'AAAA')).trim(), 'fd00::1');
    assert.equal((await dig(s.port, '+short', '-x', '10.1.0.2')).trim(), 'host2.example.net.');
    const full = await dig(s.port, '+norecurse', 'host1.example.org', 'TXT');
    assert.match(full, /status: NOERROR/);
    assert.match(full, /flags: qr aa;/);
    assert.match(full, /ANSWER: 0,/);
  } finally {
    await s.stop();
  }
});

test('metrics: entries per hosts file, the reload timestamp its modification time, in the server registry', async () => {
  const path = join(dir, 'metrics.hosts');
  put(path, '10.3.0.1 a.example b.example\nfd00::3 a.example\n10.3.0.2 *.wild.example\n');
  const s = await startTestServer(`. {\n  hosts ${path} {\n    10.3.0.9 c.example\n    reload 100ms\n  }\n}\n`, { plugins });
  const values = async (name: string): Promise<{ labels: Record<string, string | number>; value: number }[]> =>
    (await s.server.registry.getSingleMetric(name)!.get()).values as { labels: Record<string, string | number>; value: number }[];
  try {
    // File: 3 addresses by name + 1 wildcard + 3 names by address = 7; inline: 1 + 1.
    assert.deepEqual(await values('coredns_hosts_entries'), [{ labels: { hostsfile: path }, value: 9 }]);
    const [stamp] = await values('coredns_hosts_reload_timestamp_seconds');
    assert.ok(Math.abs(stamp!.value - statSync(path).mtimeMs / 1000) < 0.001, `${stamp!.value} is the file's mtime`);
    put(path, '10.3.0.1 a.example\n');
    await eventually(async () => (await values('coredns_hosts_entries'))[0]?.value === 4, 2000, 'entries after the rewrite');
    // A config without this file: its label goes.
    await s.server.reload('. {\n  hosts {\n    10.3.0.9 c.example\n  }\n}\n');
    assert.deepEqual(
      (await values('coredns_hosts_entries')).filter((v) => v.labels.hostsfile === path),
      [],
    );
  } finally {
    await s.stop();
  }
});
