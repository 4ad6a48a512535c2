import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Endpoint, SliceEntry } from '../src/entries.js';
import { addressKey } from '../src/ip.js';

const slice = (endpoints: readonly Endpoint[]): SliceEntry => new SliceEntry('web-abc', 'default', '1', 'web', [], endpoints, NaN);
const ep = (ip: string, more: Partial<Endpoint> = {}): Endpoint => ({ ip, hostname: null, podName: null, ready: true, ...more });

test('a slice keeps its endpoints by column and reads them back as they came', () => {
  const list = [ep('0.0.0.0'), ep('10.244.1.7', { hostname: 'web-0', ready: false }), ep('255.255.255.255', { podName: 'web-7d4b9' }), ep('128.0.0.1')];
  const s = slice(list);
  assert.equal(s.size, 4);
  assert.deepEqual(s.endpointList(), list);
  assert.deepEqual([0, 1, 2, 3].map((i) => s.addressKey(i)), [0, 0x0af40107, 0xffffffff | 0, 0x80000001 | 0]);
  assert.deepEqual([0, 1, 2, 3].map((i) => s.addressKey(i) === addressKey('255.255.255.255')), [false, false, true, false]);
  assert.equal(s.addressKey(1), addressKey('10.244.1.7'));
  assert.notEqual(s.addressKey(1), addressKey('fd00::1'));
  // CoreDNS's endpointHostname: the hostname, the pod's name with endpoint_pod_names, else the dashed address.
  assert.deepEqual([0, 1, 2].map((i) => s.answerName(i, true)), ['0-0-0-0', 'web-0', 'web-7d4b9']);
  assert.equal(s.answerName(2, false), '255-255-255-255');
});

test('a slice with an address that is not IPv4 keeps them as text', () => {
  const list = [ep('fd00::1', { ready: false }), ep('10.0.0.1'), ep('2001:db8::a:1', { hostname: 'db-1' })];
  const s = slice(list);
  assert.deepEqual(s.endpointList(), list);
  assert.equal(s.addressKey(0), addressKey('fd00::1'));
  assert.equal(s.addressKey(1), addressKey('10.0.0.1'));
  assert.deepEqual([0, 1, 2].map((i) => s.answerName(i, false)), ['fd00--1', '10-0-0-1', 'db-1']);
  assert.equal(slice([]).size, 0);
});

test('columns begun at the first endpoint that needs one, and IPv4 addresses turned to text at the first that is not, read back as they came', () => {
  const list = [ep('10.0.0.1'), ep('10.0.0.2', { ready: false }), ep('10.0.0.3', { hostname: 'web-2', podName: 'web-7d4b9' }), ep('fd00::1'), ep('10.0.0.4', { ready: false })];
  const s = slice(list);
  assert.deepEqual(s.endpointList(), list);
  assert.deepEqual([0, 3, 4].map((i) => s.addressKey(i)), [addressKey('10.0.0.1'), addressKey('fd00::1'), addressKey('10.0.0.4')]);
});

test('firstAtEachAddress: an address a slice lists twice counts at its first place', () => {
  assert.deepEqual(slice([ep('10.0.0.1'), ep('10.0.0.2'), ep('10.0.0.1'), ep('10.0.0.3'), ep('10.0.0.2')]).firstAtEachAddress(), [0, 1, 3]);
  assert.deepEqual(slice([ep('fd00::1'), ep('10.0.0.1'), ep('fd00::1')]).firstAtEachAddress(), [0, 1]);
  assert.deepEqual(slice([]).firstAtEachAddress(), []);
});
