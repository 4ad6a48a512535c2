import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalIp, ipv4Number, ipv4Text } from '../src/ip.js';

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
