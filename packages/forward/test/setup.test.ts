import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { forward, type ForwardConfig, type StanzaConfig, type UpstreamAddress } from '../src/index.js';
import { type Certs, hasBinary, makeCerts, parseForward } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'forward-setup-'));
const resolvConf = join(dir, 'resolv.conf');
writeFileSync(resolvConf, '# a comment\nsearch example.org\nnameserver 10.0.0.1\n  nameserver   fd00::53  \noptions ndots:5\n; another\nnameserver 10.0.0.2\n');
const emptyConf = join(dir, 'empty.conf');
writeFileSync(emptyConf, 'search example.org\n');
const badConf = join(dir, 'bad.conf');
writeFileSync(badConf, 'nameserver dns.example.org\n');
const certs: Certs | null = hasBinary('openssl') ? makeCerts() : null;

const up = (addr: string, protocol: 'dns' | 'tls' = 'dns', servername: string | null = null): UpstreamAddress => {
  const m = /^\[(.+)\]:(\d+)$/.exec(addr) ?? /^(.+):(\d+)$/.exec(addr)!;
  return { protocol, host: m[1]!, port: Number(m[2]), family: m[1]!.includes(':') ? 6 : 4, addr, servername };
};
const defaults: StanzaConfig = {
  from: '.',
  except: [],
  upstreams: [],
  forceTcp: false,
  preferUdp: false,
  expireMs: 10_000,
  maxFails: 2,
  tls: null,
  policy: 'random',
  healthCheck: { intervalMs: 500, recursionDesired: true, domain: '.' },
  maxConcurrent: 0,
  next: [],
  failover: [],
  failfastAllUnhealthy: false,
};

test('forward parses FROM, TO and every option', async (t) => {
  const cases: { corefile: string; want: Partial<StanzaConfig> }[] = [
    { corefile: 'forward . 127.0.0.1', want: { upstreams: [up('127.0.0.1:53')] } },
    { corefile: 'forward Example.ORG 10.0.0.10:1234 dns://10.0.0.11 [2003::1]:53 ::1 [fd00::2]', want: { from: 'example.org.', upstreams: [up('10.0.0.10:1234'), up('10.0.0.11:53'), up('[2003::1]:53'), up('[::1]:53'), up('[fd00::2]:53')] } },
    { corefile: 'forward . tls://9.9.9.9 tls://1.1.1.1:8853 tls://1.0.0.1%cloudflare-dns.com', want: { upstreams: [up('9.9.9.9:853', 'tls'), up('1.1.1.1:8853', 'tls'), up('1.0.0.1:853', 'tls', 'cloudflare-dns.com')] } },
    { corefile: `forward . ${resolvConf} 10.0.0.3`, want: { upstreams: [up('10.0.0.1:53'), up('[fd00::53]:53'), up('10.0.0.2:53'), up('10.0.0.3:53')] } },
    { corefile: 'forward 10.0.0.0/24 10.0.0.1', want: { from: '0.0.10.in-addr.arpa.', upstreams: [up('10.0.0.1:53')] } },
    {
      corefile: `forward . 10.0.0.1 {
        except Example.org sub.example.net
        except other.test
        force_tcp
        prefer_udp
        expire 30s
        max_fails 0
        policy sequential
        health_check 5s no_rec domain Health.Example.
        max_concurrent 1000
        next NXDOMAIN servfail
        failover REFUSED
        failfast_all_unhealthy_upstreams
      }`,
      want: {
        upstreams: [up('10.0.0.1:53')],
        except: ['example.org.', 'sub.example.net.', 'other.test.'],
        forceTcp: true,
        preferUdp: true,
        expireMs: 30_000,
        maxFails: 0,
        policy: 'sequential',
        healthCheck: { intervalMs: 5000, recursionDesired: false, domain: 'health.example.' },
        maxConcurrent: 1000,
        next: [3, 2],
        failover: [5],
        failfastAllUnhealthy: true,
      },
    },
    { corefile: 'forward . 10.0.0.1 {\n health_check 100ms domain example.org\n policy round_robin\n}', want: { upstreams: [up('10.0.0.1:53')], healthCheck: { intervalMs: 100, recursionDesired: true, domain: 'example.org.' }, policy: 'round_robin' } },
    { corefile: 'forward . tls://9.9.9.9 {\n tls_servername dns.quad9.net\n}', want: { upstreams: [up('9.9.9.9:853', 'tls')], tls: { cert: null, key: null, ca: null, servername: 'dns.quad9.net' } } },
  ];
  const stanzas = (config: ForwardConfig): readonly StanzaConfig[] => config.stanzas;
  await assertSetupCases(t, forward, cases.map((c) => ({ ...c, want: [{ ...defaults, ...c.want }] })), { view: stanzas });
});

test('forward refuses what it cannot honour, pointing at the line', async (t) => {
  const many = Array.from({ length: 16 }, (_, i) => `10.0.0.${i + 1}`).join(' ');
  const cases: SetupCase[] = [
    { corefile: ' forward .', error: /Corefile:2: forward: expected at least 2 arguments, got 1/ },
    { corefile: ' forward . dns.google', error: /Corefile:2: forward: not an IP address or file: "dns.google"/ },
    { corefile: ' forward . https://1.1.1.1', error: /Corefile:2: forward: "https" is not supported as a destination protocol/ },
    { corefile: ' forward . tls://dns.google', error: /Corefile:2: forward: not an IP address: "tls:\/\/dns.google"/ },
    { corefile: ' forward . 127.0.0.1:99999', error: /Corefile:2: forward: "127.0.0.1:99999": expected a port from 1 to 65535/ },
    { corefile: ' forward . 10.0.0.1%eth0', error: /Corefile:2: .*only for IPv6 addresses/ },
    { corefile: ` forward . ${many}`, error: /Corefile:2: forward: more than 15 TOs configured: 16/ },
    { corefile: ` forward . ${emptyConf}`, error: /Corefile:2: forward: no nameservers found in / },
    { corefile: ` forward . ${badConf}`, error: /Corefile:2: forward: .*nameserver "dns.example.org" is not an IP address/ },
    { corefile: ' forward . 10.0.0.1 {\n  policy fastest\n }', error: /Corefile:3: forward: policy: expected one of random, round_robin, sequential, got "fastest"/ },
    { corefile: ' forward . 10.0.0.1 {\n  max_fails -1\n }', error: /Corefile:3: forward: max_fails: -1 is out of range/ },
    { corefile: ' forward . 10.0.0.1 {\n  expire soon\n }', error: /Corefile:3: forward: expire: expected a duration/ },
    { corefile: ' forward . 10.0.0.1 {\n  health_check 0s\n }', error: /Corefile:3: forward: health_check: duration 0s is below the minimum/ },
    { corefile: ' forward . 10.0.0.1 {\n  health_check 1s sometimes\n }', error: /Corefile:3: forward: health_check: unknown option sometimes/ },
    { corefile: ' forward . 10.0.0.1 {\n  health_check 1s domain\n }', error: /Corefile:3: forward: health_check: domain needs a name/ },
    { corefile: ' forward . 10.0.0.1 {\n  max_concurrent many\n }', error: /Corefile:3: forward: max_concurrent: expected an integer/ },
    { corefile: ' forward . 10.0.0.1 {\n  next NXDOMAINS\n }', error: /Corefile:3: forward: next: NXDOMAINS is not a valid rcode/ },
    { corefile: ' forward . 10.0.0.1 {\n  next BADVERS\n }', error: /Corefile:3: forward: next: BADVERS is not a valid rcode/ },
    { corefile: ' forward . 10.0.0.1 {\n  failover NOERROR\n }', error: /Corefile:3: forward: failover: NOERROR cannot be used/ },
    { corefile: ' forward . 10.0.0.1 {\n  force_tcp yes\n }', error: /Corefile:3: forward: force_tcp: expected 0 arguments, got 1/ },
    { corefile: ' forward . 10.0.0.1 {\n  except\n }', error: /Corefile:3: forward: except: expected at least 1 argument/ },
    { corefile: ' forward . 10.0.0.1 {\n  expire 1s\n  expire 2s\n }', error: /Corefile:4: forward: "expire" given more than once/ },
    { corefile: ' forward . 10.0.0.1 {\n  max_idle_conns 10\n }', error: /Corefile:3: forward: "max_idle_conns" is a CoreDNS option chaindns does not support/ },
    { corefile: ' forward . 10.0.0.1 {\n  spray\n }', error: /Corefile:3: forward: unknown property "spray"/ },
    { corefile: ' forward . 10.0.0.1 {\n  tls_servername dns.example\n }', error: /Corefile:3: forward: "tls_servername" applies only to tls:\/\/ upstreams/ },
    { corefile: ' forward . tls://10.0.0.1 {\n  tls a b c d\n }', error: /Corefile:3: forward: tls: expected 0 to 3 arguments, got 4/ },
    { corefile: ' forward . tls://10.0.0.1 {\n  tls /nonexistent/ca.pem\n }', error: /Corefile:3: forward: tls: cannot read \/nonexistent\/ca.pem/ },
    { corefile: ` forward . tls://10.0.0.1 {\n  tls ${resolvConf}\n }`, error: /Corefile:3: forward: tls: / },
    { corefile: ' forward . tls://10.0.0.1%a.example {\n  tls_servername b.example\n }', error: /Corefile:3: forward: both tls_servername \(b.example\) and a server name in the address \(a.example\)/ },
  ];
  await assertSetupCases(t, forward, cases);
});

test('tls CERT KEY CA reads and checks the files', { skip: certs ? false : 'openssl is not installed' }, () => {
  const c = certs!;
  const [stanza] = parseForward(`. {\n forward . tls://127.0.0.1 {\n  tls ${c.clientCert} ${c.clientKey} ${c.ca}\n  tls_servername dns.test\n }\n}`).stanzas;
  assert.equal(stanza!.tls!.servername, 'dns.test');
  assert.match(stanza!.tls!.cert!.toString(), /BEGIN CERTIFICATE/);
  assert.match(stanza!.tls!.key!.toString(), /PRIVATE KEY/);
  assert.match(stanza!.tls!.ca!.toString(), /BEGIN CERTIFICATE/);
  const [caOnly] = parseForward(`. {\n forward . tls://127.0.0.1 {\n  tls ${c.ca}\n }\n}`).stanzas;
  assert.deepEqual([caOnly!.tls!.cert, caOnly!.tls!.key, caOnly!.tls!.servername], [null, null, null]);
  assert.throws(() => parseForward(`. {\n forward . tls://127.0.0.1 {\n  tls ${c.clientCert} ${c.serverKey}\n }\n}`), /Corefile:3: forward: tls: .*key values mismatch/);
});

test('several forwards in a block combine in Corefile order; a CIDR FROM warns', () => {
  const warnings: string[] = [];
  const config = parseForward('. {\n forward . 10.0.0.1\n forward example.org 10.0.0.2\n forward 10.0.0.0/23 10.0.0.3\n}', (m) => warnings.push(m));
  assert.deepEqual(
    config.stanzas.map((s) => [s.from, s.upstreams[0]!.addr]),
    [
      ['.', '10.0.0.1:53'],
      ['example.org.', '10.0.0.2:53'],
      ['0.0.10.in-addr.arpa.', '10.0.0.3:53'],
    ],
  );
  assert.deepEqual(warnings, ['forward: "10.0.0.0/23" expands to 2 zones; only 0.0.10.in-addr.arpa. is used']);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [forward]);
});

