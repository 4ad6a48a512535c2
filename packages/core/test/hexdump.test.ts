import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery, hexdump, QType } from '../src/index.js';

test('hexdump writes a message as CoreDNS’s debug plugin does (its pcap_test.go ExampleHexdump)', () => {
  const msg = buildQuery('example.local', QType.A, { id: 10, edns: { udpSize: 4096, do: true } });
  assert.equal(
    hexdump(msg),
    ['debug: 000000 00 0a 01 00 00 01 00 00 00 00 00 01 07 65 78 61', 'debug: 000010 6d 70 6c 65 05 6c 6f 63 61 6c 00 00 01 00 01 00', 'debug: 000020 00 29 10 00 00 00 80 00 00 00', 'debug: 00002a'].join('\n'),
  );
});

test('hexdump of a message of whole lines, and of nothing', () => {
  assert.equal(hexdump(new Uint8Array(16).fill(0xff)), `debug: 000000${' ff'.repeat(16)}\ndebug: 000010`);
  assert.equal(hexdump(new Uint8Array(0)), 'debug: 000000');
});
