import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Next, PluginError, QClass, Rcode, reply, type Request } from '@chaindns/core';
import { assertCase, makeRequest, Recorder } from '@chaindns/core/testing';
import type { DecodedPacket } from 'dns-packet';
import { createEtcd, type EtcdOptions } from '../src/index.js';
import { KeyTree } from '../src/key-tree.js';
import { parseStored, withDefaults } from '../src/service.js';

/** A tree as the watch would leave it: values by DNS name (or raw JSON text). */
function treeOf(records: Record<string, object | string>): KeyTree {
  const tree = new KeyTree();
  for (const [name, value] of Object.entries(records)) {
    const key = `/skydns/${name.replace(/\.$/, '').split('.').reverse().join('/')}`;
    const json = typeof value === 'string' ? value : JSON.stringify(value);
    try {
      tree.set(withDefaults(parseStored(json), key, 0), '0');
    } catch (err) {
      tree.set({ key, error: `${key}: ${(err as Error).message}` }, '0');
    }
  }
  return tree;
}

const passed: Next = () => 99;

function handler(records: Record<string, object | string>, options: Partial<EtcdOptions> = {}) {
  const resolved: string[] = [];
  const h = createEtcd({
    zones: ['skydns.test.'],
    fallthrough: null,
    base: '/skydns',
    source: { tree: treeOf(records), synced: true },
    resolve: async (qname, qtype) => {
      resolved.push(`${qname} ${qtype}`);
      throw new Error('no upstream here');
    },
    ...options,
  });
  return { h, resolved };
}

async function serve(h: ReturnType<typeof createEtcd>, req: Request): Promise<{ rcode: number; packet: DecodedPacket; thrown: unknown }> {
  const w = new Recorder();
  let rcode = -1;
  let thrown: unknown = null;
  try {
    rcode = await h.serveDNS(req, w, passed);
  } catch (err) {
    thrown = err;
  }
  return { rcode, packet: (w.msg ? w.packet() : { answers: [] }) as DecodedPacket, thrown };
}

const SOA = 'skydns.test. 30 IN SOA ns.dns.skydns.test. hostmaster.skydns.test. 0 7200 1800 86400 30';
const zeroSerial = (p: DecodedPacket): DecodedPacket => ({ ...p, authorities: p.authorities?.map((a) => (a.type === 'SOA' ? { ...a, data: { ...a.data, serial: 0 } } : a)) }) as DecodedPacket;

test('while the watch is down: SERVFAIL with the SOA, and the error for the errors plugin', async () => {
  const { h } = handler({ 'a.skydns.test.': { host: '192.0.2.1' } }, { source: { tree: new KeyTree(), synced: false } });
  const r = await serve(h, makeRequest('a.skydns.test', 'A'));
  assertCase(zeroSerial(r.packet), { qname: 'a.skydns.test.', qtype: 'A', rcode: 'SERVFAIL', authoritative: true, answer: [], ns: [SOA] });
  assert.ok(r.thrown instanceof PluginError && r.thrown.rcode === Rcode.SERVFAIL && /no watch of \/skydns/.test(r.thrown.message));
});

test('a value that is no record fails the lookups that read it (SERVFAIL), not the others; a wildcard that skips it is answered', async () => {
  const { h } = handler({ 'bad.x.skydns.test.': '{"port":"80"}', 'good.x.skydns.test.': { host: '192.0.2.1' }, 'good.y.skydns.test.': { host: '192.0.2.2' } });
  const bad = await serve(h, makeRequest('x.skydns.test', 'A'));
  assert.equal(bad.packet.flags! & 0xf, Rcode.SERVFAIL);
  assert.match(String((bad.thrown as Error).message), /\/skydns\/test\/skydns\/x\/bad: cannot unmarshal "80" into field port/);
  const good = await serve(h, makeRequest('good.y.skydns.test', 'A'));
  assertCase(good.packet, { qname: 'good.y.skydns.test.', qtype: 'A', answer: ['good.y.skydns.test. 300 A 192.0.2.2'] });
  const star = await serve(h, makeRequest('good.*.skydns.test', 'A'));
  assertCase(star.packet, { qname: 'good.*.skydns.test.', qtype: 'A', answer: ['good.*.skydns.test. 300 A 192.0.2.1', 'good.*.skydns.test. 300 A 192.0.2.2'] });
});

test('fallthrough passes NXDOMAIN on, for the zones it names; other classes and other zones are passed on', async () => {
  const records = { 'a.skydns.test.': { host: '192.0.2.1' } };
  assert.equal((await serve(handler(records).h, makeRequest('b.skydns.test', 'A'))).packet.flags! & 0xf, Rcode.NXDOMAIN);
  assert.equal((await serve(handler(records, { fallthrough: ['.'] }).h, makeRequest('b.skydns.test', 'A'))).rcode, 99);
  assert.equal((await serve(handler(records, { fallthrough: ['other.test.'] }).h, makeRequest('b.skydns.test', 'A'))).rcode, Rcode.NXDOMAIN);
  // NODATA is no fallthrough.
  assert.equal((await serve(handler(records, { fallthrough: ['.'] }).h, makeRequest('a.skydns.test', 'AAAA'))).rcode, Rcode.NOERROR);
  assert.equal((await serve(handler(records).h, makeRequest('a.skydns.test', 'A', { qclass: QClass.CH }))).rcode, 99);
  assert.equal((await serve(handler(records).h, makeRequest('a.example.org', 'A'))).rcode, 99);
});

test('CNAMEs out of the zone are looked up through the server: the answer follows the CNAME, its TC bit too (not for TXT); a failed lookup drops the CNAME', async () => {
  const records = { 'alias.skydns.test.': { host: 'www.example.org' }, 'text.skydns.test.': { host: 'txt.example.org' }, 'srv.skydns.test.': { host: 'svc.example.org', port: 80 } };
  const asked: string[] = [];
  const resolve: EtcdOptions['resolve'] = async (qname, qtype, via) => {
    asked.push(`${qname} ${qtype} via ${via.qname}`);
    const r = makeRequest(qname, qtype);
    const answers = [
      qtype === 28 ? { name: qname, type: 'CNAME' as const, ttl: 5, data: 'other.example.org' } : null,
      qtype === 16 ? { name: qname, type: 'TXT' as const, ttl: 5, data: ['hi'] } : { name: qname, type: 'A' as const, ttl: 5, data: '198.51.100.1' },
    ].filter((a) => a !== null);
    const msg = reply(r, { answers });
    msg[2]! |= 0x02;
    return msg;
  };
  const { h } = handler(records, { resolve });
  const a = await serve(h, makeRequest('alias.skydns.test', 'A'));
  assertCase(a.packet, { qname: 'alias.skydns.test.', qtype: 'A', truncated: true, ordered: true, answer: ['alias.skydns.test. 300 CNAME www.example.org.', 'www.example.org. 5 A 198.51.100.1'] });
  const txt = await serve(h, makeRequest('text.skydns.test', 'TXT'));
  assertCase(txt.packet, { qname: 'text.skydns.test.', qtype: 'TXT', truncated: false, ordered: true, answer: ['text.skydns.test. 300 CNAME txt.example.org.', 'txt.example.org. 5 TXT "hi"'] });
  const srv = await serve(h, makeRequest('srv.skydns.test', 'SRV'));
  // A's answer whole, AAAA's without its CNAME; the extra lookups' TC bits are not the answer's (as in CoreDNS).
  assertCase(srv.packet, { qname: 'srv.skydns.test.', qtype: 'SRV', truncated: false, answer: ['srv.skydns.test. 300 SRV 10 100 80 svc.example.org.'], extra: ['svc.example.org. 5 A 198.51.100.1', 'svc.example.org. 5 A 198.51.100.1'] });
  assert.deepEqual(asked, ['www.example.org. 1 via alias.skydns.test.', 'txt.example.org. 16 via text.skydns.test.', 'svc.example.org. 1 via srv.skydns.test.', 'svc.example.org. 28 via srv.skydns.test.']);

  const failing = handler(records);
  const dropped = await serve(failing.h, makeRequest('alias.skydns.test', 'A'));
  assertCase(zeroSerial(dropped.packet), { qname: 'alias.skydns.test.', qtype: 'A', answer: [], ns: [SOA] });
  assert.deepEqual(failing.resolved, ['www.example.org. 1']);
});

test('an answer without an external lookup is written at once (no promise); one with a lookup after it', async () => {
  const { h } = handler({ 'a.skydns.test.': { host: '192.0.2.1' }, 'alias.skydns.test.': { host: 'www.example.org' } });
  const w = new Recorder();
  assert.equal(h.serveDNS(makeRequest('a.skydns.test', 'A'), w, passed), Rcode.NOERROR);
  assert.equal(w.writes, 1);
  const later = h.serveDNS(makeRequest('alias.skydns.test', 'A'), new Recorder(), passed);
  assert.ok(later instanceof Promise);
  await later;
});

test('NS: a name under ns.dns.<zone> is an error (SERVFAIL); other types at a name ask whether it exists (NODATA or NXDOMAIN)', async () => {
  const { h } = handler({ 'x.ns.dns.skydns.test.': { host: 'ns.example.org' }, 'a.skydns.test.': { host: '192.0.2.1' } });
  const ns = await serve(h, makeRequest('skydns.test', 'NS'));
  assert.equal(ns.packet.flags! & 0xf, Rcode.SERVFAIL);
  assert.match(String((ns.thrown as Error).message), /NS record must be an IP address: ns.example.org/);
  assertCase(zeroSerial((await serve(h, makeRequest('a.skydns.test', 'HINFO'))).packet), { qname: 'a.skydns.test.', qtype: 'HINFO', answer: [], ns: [SOA] });
  assertCase(zeroSerial((await serve(h, makeRequest('b.skydns.test', 'NS'))).packet), { qname: 'b.skydns.test.', qtype: 'NS', rcode: 'NXDOMAIN', ns: [SOA] });
});

test('a host that is no domain name (a label over 63 bytes, a name over 255) fails its queries with SERVFAIL, never a malformed reply', async () => {
  const long = `${'a'.repeat(70)}.example`;
  const { h } = handler({ 'c.skydns.test.': { host: long }, 'p.skydns.test.': { host: `${'abc.'.repeat(70)}x` }, 's.skydns.test.': { host: long, port: 1 }, 'k.skydns.test.': { host: '192.0.2.1' } });
  for (const [name, type] of [['c', 'CNAME'], ['c', 'A'], ['c', 'TXT'], ['p', 'PTR'], ['s', 'SRV']] as const) {
    const r = await serve(h, makeRequest(`${name}.skydns.test`, type));
    assert.equal(r.packet.flags! & 0xf, Rcode.SERVFAIL, `${name} ${type}`);
    assert.ok(r.thrown instanceof PluginError && /is no domain name/.test(r.thrown.message), String(r.thrown));
  }
  assertCase((await serve(h, makeRequest('k.skydns.test', 'A'))).packet, { qname: 'k.skydns.test.', qtype: 'A', answer: ['k.skydns.test. 300 A 192.0.2.1'] });
});
