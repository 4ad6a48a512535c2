import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { dig, eventually, freePort } from '@chaindns/core/testing';
import { type Chaindns, hasBinary, repoRoot, startChaindns, tempDir } from './harness.js';

// Zone transfers out of the real binary, pulled by a real secondary (BIND's named) and by dig.
const dir = tempDir('chaindns-transfer-');
after(() => dir.remove());

/** The answer section of `dig +noall +answer`, sorted, TTLs kept. */
async function answers(port: number, name: string, type: string): Promise<string[]> {
  return (await dig(port, '+noall', '+answer', name, type)).split('\n').filter((l) => l !== '').sort();
}

const zone = (serial: number, extra: string): string =>
  [
    '$ORIGIN example.org.',
    '@ 3600 IN SOA ns1.example.org. admin.example.org. ( ' + serial + ' 7200 3600 1209600 300 )',
    '@ 3600 IN NS ns1.example.org.',
    'ns1 3600 IN A 127.0.0.1',
    'www 300 IN A 192.0.2.1',
    'www 300 IN AAAA 2001:db8::1',
    'alias 300 IN CNAME www',
    '@ 300 IN MX 10 mail.example.org.',
    'mail 300 IN A 192.0.2.25',
    '@ 300 IN TXT "v=spf1 -all"',
    extra,
    '',
  ].join('\n');

/** BIND's named as a secondary of example.org, pulling from chaindns at `primary`; in the foreground, killed at the end. */
async function startSecondary(port: number, primary: number): Promise<{ child: ChildProcess; output(): string; stop(): Promise<void> }> {
  const conf = dir.file('named.conf');
  writeFileSync(
    conf,
    [
      'options {',
      `  directory "${dir.path}";`,
      `  listen-on port ${port} { 127.0.0.1; };`,
      '  listen-on-v6 { none; };',
      '  recursion no;',
      '  dnssec-validation no;',
      `  pid-file "${dir.file('named.pid')}";`,
      '};',
      `zone "example.org" { type secondary; primaries { 127.0.0.1 port ${primary}; }; file "${dir.file('secondary.db')}"; };`,
      '',
    ].join('\n'),
  );
  const child = spawn('named', ['-g', '-c', conf, '-u', 'root', '-n', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

test('BIND as a secondary transfers a file zone from chaindns, answers as chaindns does, and follows a NOTIFY to the new serial', { skip: hasBinary('named') ? false : 'named is not installed (Debian: bind9)', timeout: 60_000 }, async () => {
  const [port, secondaryPort] = [await freePort(), await freePort()];
  writeFileSync(dir.file('db.example.org'), zone(1, ''));
  const conf = dir.file('Corefile');
  writeFileSync(conf, [`example.org:${port} {`, '    bind 127.0.0.1', `    file ${dir.file('db.example.org')} {`, '        reload 1s', '    }', '    transfer {', `        to * 127.0.0.1:${secondaryPort}`, '    }', '}', ''].join('\n'));
  let dns: Chaindns | null = null;
  let named: Awaited<ReturnType<typeof startSecondary>> | null = null;
  try {
    dns = await startChaindns(['-conf', conf]);
    named = await startSecondary(secondaryPort, port);
    const bind = named;
    await eventually(() => assert.match(bind.output(), /transfer of 'example.org\/IN' from 127\.0\.0\.1#\d+: Transfer status: success/), 20_000);
    for (const [name, type] of [
      ['www.example.org', 'A'],
      ['www.example.org', 'AAAA'],
      ['alias.example.org', 'A'],
      ['example.org', 'MX'],
      ['example.org', 'TXT'],
      ['example.org', 'SOA'],
      ['example.org', 'NS'],
    ] as const) {
      // dig may meet BIND before its listener settles on a loaded machine (a stray "query response not set"): asked again.
      await eventually(async () => assert.deepEqual(await answers(secondaryPort, name, type), await answers(port, name, type), `${name} ${type}`), 10_000);
    }
    // A new serial: chaindns reloads the file and sends NOTIFY; BIND transfers again at once (its refresh is two hours).
    writeFileSync(dir.file('db.example.org'), zone(2, 'new 300 IN A 192.0.2.99'));
    await eventually(async () => assert.deepEqual(await answers(secondaryPort, 'new.example.org', 'A'), ['new.example.org.\t300\tIN\tA\t192.0.2.99']), 20_000);
    assert.match(bind.output(), /received notify for zone 'example.org'/);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- chaindns:\n${dns?.output()}\n--- named:\n${named?.output()}`, { cause: err });
  } finally {
    await named?.stop();
    await dns?.stop();
  }
});

test('dig AXFR of cluster.local from kubernetes manifests: the SOA first and last, the services as records', async () => {
  const port = await freePort();
  const conf = dir.file('Corefile.k8s');
  writeFileSync(conf, [`cluster.local:${port} {`, '    bind 127.0.0.1', '    kubernetes cluster.local {', `        manifests ${repoRoot}examples/cluster.yaml`, '    }', '    transfer {', '        to *', '    }', '}', ''].join('\n'));
  const dns = await startChaindns(['-conf', conf]);
  try {
    const rrs = (await dig(port, 'AXFR', 'cluster.local'))
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith(';'))
      .map((l) => l.split(/\s+/));
    assert.equal(rrs[0]![3], 'SOA');
    assert.equal(rrs.at(-1)![3], 'SOA');
    const text = rrs.map((r) => `${r[0]} ${r[3]} ${r.slice(4).join(' ')}`);
    for (const want of [
      'kubernetes.default.svc.cluster.local. A 10.96.0.1',
      'kubernetes.default.svc.cluster.local. SRV 0 100 443 kubernetes.default.svc.cluster.local.',
      '_https._tcp.kubernetes.default.svc.cluster.local. SRV 0 100 443 kubernetes.default.svc.cluster.local.',
      'kube-dns.kube-system.svc.cluster.local. A 10.96.0.10',
      '_dns-tcp._tcp.kube-dns.kube-system.svc.cluster.local. SRV 0 100 53 kube-dns.kube-system.svc.cluster.local.',
    ]) {
      assert.ok(text.includes(want), `${want} in\n${text.join('\n')}`);
    }
    // What the transfer holds, a query gets.
    const a = (await dig(port, '+short', 'kube-dns.kube-system.svc.cluster.local', 'A')).trim();
    assert.equal(a, '10.96.0.10');
  } finally {
    await dns.stop();
  }
});

test('a zone in several messages goes whole through cache and log, with the TTLs of the zone', async () => {
  const port = await freePort();
  const lines = ['$ORIGIN big.example.', '@ 3600 IN SOA ns1 admin 1 7200 3600 1209600 300', '@ 3600 IN NS ns1'];
  for (let i = 0; i < 5000; i++) lines.push(`h${i} 300 IN A 10.0.${i >> 8}.${i & 255}`);
  writeFileSync(dir.file('db.big'), `${lines.join('\n')}\n`);
  const conf = dir.file('Corefile.big');
  writeFileSync(conf, [`big.example:${port} {`, '    bind 127.0.0.1', '    log', '    cache', `    file ${dir.file('db.big')}`, '    transfer {', '        to *', '    }', '}', ''].join('\n'));
  const dns = await startChaindns(['-conf', conf]);
  try {
    for (let round = 0; round < 2; round++) {
      const out = await dig(port, 'AXFR', 'big.example');
      assert.match(out, /XFR size: 5003 records \(messages 3,/, `round ${round}`);
      const a = out.split('\n').filter((l) => /\tIN\tA\t/.test(l));
      assert.equal(a.length, 5000);
      assert.ok(a.every((l) => l.split(/\s+/)[1] === '300'), `round ${round}: TTLs ${a[0]}`);
    }
  } finally {
    await dns.stop();
  }
});
