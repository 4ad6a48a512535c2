import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIPv6 } from '../src/index.js';

test('parseIPv6 reads an address as Go does: one :: at most, 1-4 hex digits a group, a dotted IPv4 address last, no zone', () => {
  const hex = (text: string): string | null => {
    const bytes = parseIPv6(text);
    return bytes && Buffer.from(bytes).toString('hex');
  };
  assert.equal(hex('::'), '0'.repeat(32));
  assert.equal(hex('2001:DB8::1'), `20010db8${'0'.repeat(22)}01`);
  assert.equal(hex('1:2:3:4:5:6:7::'), '0001000200030004000500060007' + '0000');
  assert.equal(hex('::ffff:10.1.2.3'), `${'0'.repeat(20)}ffff0a010203`);
  assert.equal(hex('1:2:3:4:5:6:1.2.3.4'), '000100020003000400050006' + '01020304');
  for (const bad of ['', ':', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '::1:2:3:4:5:6:7:8', '1::2::3', ':1::', '1:::2', '12345::', 'g::', '1.2.3.4::', '::1.2.3.4:5', '::01.2.3.4', '::256.0.0.1', '::1.2.3', 'fe80::1%eth0', '10.0.0.1']) {
    assert.equal(parseIPv6(bad), null, bad);
  }
});
