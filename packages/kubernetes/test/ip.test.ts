import assert from 'node:assert/strict';
import { isIPv6 } from 'node:net';
import { test } from 'node:test';
import { canonicalIp, ipv4Number, ipv4Text, ipv6Bytes } from '../src/ip.js';

test('canonicalIp: IPv4 as it is, IPv6 in RFC 5952 form, and no address for what Go would not parse', () => {
  const cases: [string, string | null][] = [
    ['10.96.0.10', '10.96.0.10'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['FD00:0:0:0:0:0:0:A', 'fd00::a'],
    ['10.0.0.01', null], // a leading zero (Go's net.ParseIP refuses it since 1.17)
    ['256.1.1.1', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
    ['1..2.3', null],
    ['1.2.3.4 ', null],
    ['fe80::1%eth0', null],
    ['web-0', null],
    ['', null],
  ];
  for (const [text, want] of cases) assert.equal(canonicalIp(text), want, JSON.stringify(text));
});

test('ipv4Number and ipv4Text are each other\'s inverse', () => {
  for (const ip of ['0.0.0.0', '10.244.1.7', '127.0.0.1', '128.0.0.0', '255.255.255.255']) assert.equal(ipv4Text(ipv4Number(ip)), ip);
  assert.equal(ipv4Number('255.255.255.255'), 2 ** 32 - 1);
  assert.equal(ipv4Number('::1'), -1);
});

test('IPv6 is read as Go reads it: one :: at most, 1-4 hex digits a group, a dotted IPv4 address last, no zone', () => {
  const cases: [string, string | null][] = [
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['64:ff9b::10.1.2.3', '64:ff9b::a01:203'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['::1:2:3:4:5:6:7:8', null],
    ['1:2:3:4:5:6:7', null],
    ['1:2:3:4:5:6:7:8:9', null],
    ['1::2::3', null],
    [':1::', null],
    ['1:::2', null],
    ['12345::', null],
    ['1.2.3.4::', null],
    ['::01.2.3.4', null],
    ['::1.2.3.4:5', null],
    ['g::', null],
    ['::1%lo', null],
  ];
  for (const [text, want] of cases) assert.equal(canonicalIp(text), want, JSON.stringify(text));
  assert.deepEqual([...ipv6Bytes('fd00::a')], [0xfd, 0, ...new Array<number>(13).fill(0), 0x0a]);
  assert.throws(() => ipv6Bytes('1::2::3'), /not an IPv6 address/);
});

test('canonicalIp takes exactly the IPv6 texts Node.js takes, less a zone (50,000 made up, valid and not)', () => {
  const pieces = ['', '', '0', '1', 'a', 'ff', 'FFFF', '12345', 'g', '1.2.3.4', '01.2.3.4', '255.255.255.255', '256.1.1.1', '1.2.3', '.', '%eth0'];
  let seed = 7;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed % n;
  };
  let valid = 0;
  for (let i = 0; i < 50_000; i++) {
    let text = next(2) ? ':' : '';
    for (let n = 1 + next(9); n > 0; n--) text += pieces[next(pieces.length)]! + (next(8) ? ':' : '');
    if (ipv4Number(text) >= 0) continue;
    const want = isIPv6(text) && !text.includes('%');
    if (want) valid++;
    assert.equal(canonicalIp(text) !== null, want, JSON.stringify(text));
  }
  assert.ok(valid > 500, `only ${valid} valid addresses made`);
});
