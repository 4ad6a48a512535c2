import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAddress } from '../src/index.js';

test('addresses read as Go net.ParseIP reads them (CoreDNS parseIP: the zone dropped first)', async (t) => {
  const cases: [string, string | null][] = [
    ['10.0.0.1', '0a000001'],
    ['255.255.255.255', 'ffffffff'],
    ['0.0.0.0', '00000000'],
    ['010.0.0.1', null], // a leading zero
    ['256.0.0.1', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
    ['1..2.3', null],
    ['1.2.3.4 ', null],
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['fe80::1%lo0', 'fe800000000000000000000000000001'],
    ['FE80:0000:0000:0000:0000:0000:0000:0002', 'fe800000000000000000000000000002'],
    ['2001:db8::567:89ab', '20010db80000000000000000056789ab'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
    ['::1.2.3.4', '00000000000000000000000001020304'],
    ['::ffff:10.0.0.2', '0a000002'], // IPv4-mapped: an IPv4 address (Go's To4)
    ['::FFFF:10.0.0.2', '0a000002'],
    ['::ffff:a00:2', '0a000002'],
    ['1::2:3:4:5:6:7:8', null], // `::` must stand for at least one group
    ['1:2:3:4:5:6:7:8::', null],
    ['1:2:3:4:5:6:7:8:9', null],
    ['1:2:3:4:5:6:7', null],
    ['1::2::3', null],
    [':1', null],
    ['1:', null],
    ['12345::', null],
    ['1:2:3:4:5:1.2.3.4', null], // an IPv4 tail only in the last 32 bits
    ['g::1', null],
    ['localhost', null],
  ];
  for (const [text, hex] of cases) {
    await t.test(text, () => {
      const ip = parseAddress(text);
      assert.equal(ip === null ? null : Buffer.from(ip).toString('hex'), hex);
    });
  }
});
