import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { dig, eventually, freePort, readmeCorefiles, startTestUpstream } from '@chaindns/core/testing';
import { type Chaindns, type Named, repoRoot, startChaindns, startNamed, tempDir } from './harness.js';

// secondary in the real binary: pulling from BIND's named as a primary, and with transfer, a primary itself of another named.
const dir = tempDir('chaindns-secondary-');
after(() => dir.remove());

/** Status, flags and the answer section, sorted: what two servers of one zone must agree on. */
async function answer(port: number, name: string, type: string): Promise<string> {
  const out = await dig(port, '+noall', '+answer', '+comments', name, type);
  const head = `${/status: (\w+)/.exec(out)?.[1]} ${/flags: ([a-z ]+);/.exec(out)?.[1]}`;
  return [head, ...out.split('\n').filter((l) => l !== '' && !l.startsWith(';')).sort()].join('\n');
}

const zone = (origin: string, serial: number, extra: readonly string[] = []): string =>
  [
    `$ORIGIN ${origin}.`,
    `@ 3600 IN SOA ns1.${origin}. hostmaster.${origin}. ( ${serial} 7200 3600 1209600 300 )`,
    '@ 3600 IN NS ns1',
    'ns1 3600 IN A 127.0.0.1',
    'www 300 IN A 192.0.2.1',
    'www 300 IN AAAA 2001:db8::1',
    'alias 300 IN CNAME www',
    '@ 300 IN MX 10 mail',
    'mail 300 IN A 192.0.2.25',
    ...extra,
    '',
  ].join('\n');

/** An RFC 9432 catalog of example.org and example.net. */
const CATALOG = ['$ORIGIN catalog.example.', '@ 3600 IN SOA invalid. invalid. 1 3600 600 86400 300', '@ 3600 IN NS invalid.', 'version 0 IN TXT "2"', 'a.zones 0 IN PTR example.org.', 'b.zones 0 IN PTR example.net.', ''].join('\n');

/** named as the primary of example.org, example.net and the catalog of both, sending NOTIFY to 127.0.0.1:`notify` when given. */
async function startPrimary(notify?: number): Promise<{ named: Named; port: number }> {
  const port = await freePort();
  for (const z of ['example.org', 'example.net']) writeFileSync(dir.file(`db.${z}`), zone(z, 1));
  writeFileSync(dir.file('db.catalog.example'), CATALOG);
  const options = ['allow-transfer { any; };', 'ixfr-from-differences yes;', ...(notify ? ['notify explicit;', `also-notify { 127.0.0.1 port ${notify}; };`, 'notify-delay 0;'] : ['notify no;'])];
  const named = await startNamed(dir.path, port, ['example.org', 'example.net', 'catalog.example'].map((z) => `zone "${z}" { type primary; file "${dir.file(`db.${z}`)}"; };`), options);
  return { named, port };
}

/** A README example served on loopback: its addresses made the test's primary and upstream, its block bound to 127.0.0.1. */
function localized(example: string, primary: number, upstream: number): string {
  return example
    .replace(/\b10\.0\.1\.1\b|\b10\.1\.2\.1\b/g, `127.0.0.1:${primary}`)
    .replace(/\b10\.0\.0\.53\b/g, `127.0.0.1:${upstream}`)
    .replace(/\{\n/, '{\n    bind 127.0.0.1\n');
}

test('the README examples load and answer from a real primary', { timeout: 120_000 }, async () => {
  const examples = readmeCorefiles(`${repoRoot}packages/secondary/README.md`);
  assert.equal(examples.length, 4);
  const { named, port: primary } = await startPrimary();
  const upstream = await startTestUpstream({ records: ['elsewhere.example.com. 300 IN A 192.0.2.200', 'nothere.example.org. 300 IN A 192.0.2.201'] });
  const checks: Array<Array<[string, string, RegExp]>> = [
    [['www.example.org', 'A', /status: NOERROR.*\n.*flags: qr aa[\s\S]*\t192\.0\.2\.1\n/]],
    [
      ['www.example.net', 'AAAA', /flags: qr aa[\s\S]*\t2001:db8::1\n/],
      ['example.net', 'AXFR', /XFR size: 9 records/],
    ],
    // A catalog's member in its scope is served; one outside it is not.
    [
      ['www.example.org', 'A', /flags: qr aa[\s\S]*\t192\.0\.2\.1\n/],
      ['www.example.net', 'A', /status: REFUSED/],
    ],
    [
      ['alias.example.org', 'A', /flags: qr aa[\s\S]*CNAME\twww\.example\.org\.\n[\s\S]*\t192\.0\.2\.1\n/],
      ['example.net', 'MX', /flags: qr aa[\s\S]*MX\t10 mail\.example\.net\.\n/],
      // fallthrough: a name example.org does not hold goes on to forward.
      ['nothere.example.org', 'A', /status: NOERROR[\s\S]*\t192\.0\.2\.201\n/],
      ['elsewhere.example.com', 'A', /\t192\.0\.2\.200\n/],
    ],
  ];
  try {
    for (const [i, example] of examples.entries()) {
      const port = await freePort();
      const conf = dir.file(`Corefile.readme${i}`);
      writeFileSync(conf, localized(example, primary, upstream.port));
      let dns: Chaindns | null = null;
      try {
        dns = await startChaindns(['-conf', conf, '-dns.port', String(port)]);
        for (const [name, type, want] of checks[i]!) await eventually(async () => assert.match(await dig(port, name, type), want), 10_000);
      } catch (err) {
        throw new Error(`README example ${i}:\n${example}\n${(err as Error).message}\n--- chaindns:\n${dns?.output()}`, { cause: err });
      } finally {
        await dns?.stop();
      }
    }
  } finally {
    await upstream.stop();
    await named.stop();
  }
});

test('BIND -> chaindns (secondary, transfer to) -> BIND: the same answers, and a change at the primary reaches the last secondary by NOTIFY', { timeout: 120_000 }, async () => {
  const [port, secondaryPort] = [await freePort(), await freePort()];
  const { named: primary, port: primaryPort } = await startPrimary(port);
  const conf = dir.file('Corefile.chain');
  writeFileSync(conf, [`example.net:${port} {`, '    bind 127.0.0.1', '    secondary {', `        transfer from 127.0.0.1:${primaryPort}`, '    }', '    transfer {', `        to * 127.0.0.1:${secondaryPort}`, '    }', '}', ''].join('\n'));
  let dns: Chaindns | null = null;
  let last: Named | null = null;
  try {
    dns = await startChaindns(['-conf', conf]);
    const chaindns = dns;
    await eventually(() => assert.match(chaindns.output(), /Transferred: example.net. from 127.0.0.1:\d+ \(AXFR/), 10_000);
    last = await startNamed(dir.path, secondaryPort, [`zone "example.net" { type secondary; primaries { 127.0.0.1 port ${port}; }; file "${dir.file('secondary.db')}"; };`]);
    const bind = last;
    await eventually(() => assert.match(bind.output(), /transfer of 'example.net\/IN' from 127\.0\.0\.1#\d+: Transfer status: success/), 20_000);
    for (const [name, type] of [
      ['www.example.net', 'A'],
      ['www.example.net', 'AAAA'],
      ['alias.example.net', 'A'],
      ['example.net', 'MX'],
      ['example.net', 'NS'],
      ['example.net', 'SOA'],
      ['nothere.example.net', 'A'],
    ] as const) {
      const want = await answer(primaryPort, name, type);
      assert.equal(await answer(port, name, type), want, `chaindns: ${name} ${type}`);
      await eventually(async () => assert.equal(await answer(secondaryPort, name, type), want, `the last secondary: ${name} ${type}`), 10_000);
    }
    writeFileSync(dir.file('db.example.net'), zone('example.net', 2, ['new 300 IN A 192.0.2.99']));
    primary.reload();
    await eventually(async () => assert.equal((await dig(secondaryPort, '+short', 'new.example.net', 'A')).trim(), '192.0.2.99'), 10_000);
    assert.match(chaindns.output(), /Transferred: example.net. from 127.0.0.1:\d+ \(IXFR, 9 records, serial 2\)/);
    assert.match(bind.output(), /received notify for zone 'example.net'/);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- chaindns:\n${dns?.output()}\n--- last secondary:\n${last?.output()}`, { cause: err });
  } finally {
    await last?.stop();
    await dns?.stop();
    await primary.stop();
  }
});
