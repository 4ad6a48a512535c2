import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type NetworkInterfaceInfo, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { present, startTestServer } from '@chaindns/core/testing';
import { kubernetes } from '../src/index.js';
import { localAddresses } from '../src/local-addresses.js';
import { namespace } from '../src/testing/index.js';

const iface = (address: string, internal = false): NetworkInterfaceInfo =>
  address.includes(':')
    ? { address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal, cidr: `${address}/64`, scopeid: 0 }
    : { address, netmask: '255.255.0.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal, cidr: `${address}/16` };

const linkLocal = (ip: string): boolean => /^169\.254\./.test(ip) || /^fe[89ab][0-9a-f]:/i.test(ip);

test('the NS addresses: this host but loopback and link-local (169.254.0.0/16, fe80::/10)', () => {
  const interfaces = {
    lo: [iface('127.0.0.1', true), iface('::1', true)],
    eth0: [iface('10.0.0.5'), iface('FD00:0:0:0::5'), iface('fe80::fc:ff:fe00:1'), iface('febf::1'), iface('fec0::1')],
    eth1: [iface('169.254.10.20'), iface('169.255.0.1'), iface('10.0.0.5')],
  };
  assert.deepEqual(localAddresses(interfaces), ['10.0.0.5', 'fd00::5', 'fec0::1', '169.255.0.1']);
});

test("NS at the apex over a real server: glue with this host's addresses, none of them link-local", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chaindns-k8s-ns-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'cluster.yaml'), JSON.stringify(namespace('default')));
  const s = await startTestServer(`cluster.local {\n kubernetes {\n  manifests ${join(dir, 'cluster.yaml')}\n }\n}`, { plugins: [kubernetes] });
  t.after(() => s.stop());
  const reply = await s.query('cluster.local', 'NS');
  const glue = (reply.packet.additionals ?? []).map(present).map((rr) => rr.split(' ').at(-1)!);
  const host = Object.values(networkInterfaces())
    .flat()
    .flatMap((a) => (a && !a.internal ? [a.address] : []));
  assert.deepEqual(glue.filter(linkLocal), [], `glue: ${glue.join(' ')}`);
  // Every other address of this host is there (this host's own link-local ones, when it has any, are what the test is about).
  assert.deepEqual(new Set(glue), new Set(host.filter((ip) => !linkLocal(ip))));
});
