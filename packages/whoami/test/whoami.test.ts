import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QClass, Rcode } from '@chaindns/core';
import { makeRequest, serveWith, assertCase } from '@chaindns/core/testing';
import { createWhoami } from '../src/index.js';

test('whoami answers with the client address and port', async (t) => {
  const cases = [
    { name: 'Example.org', remote: { address: '10.240.0.1', port: 40212, family: 4 as const }, transport: 'udp' as const, extra: ['Example.org. 0 IN A 10.240.0.1', '_udp.Example.org. 0 IN SRV 0 0 40212 .'] },
    { name: 'example.org', remote: { address: 'fd00::1', port: 5353, family: 6 as const }, transport: 'tcp' as const, extra: ['example.org. 0 IN AAAA fd00::1', '_tcp.example.org. 0 IN SRV 0 0 5353 .'] },
    { name: '.', remote: { address: '127.0.0.1', port: 1, family: 4 as const }, transport: 'udp' as const, extra: ['. 0 IN A 127.0.0.1', '_udp. 0 IN SRV 0 0 1 .'] },
  ];
  for (const c of cases) {
    await t.test(`${c.name} over ${c.transport}`, async () => {
      const { rcode, recorder } = await serveWith(createWhoami(), makeRequest(c.name, 'A', { remote: c.remote, transport: c.transport }));
      assert.equal(rcode, 0);
      assertCase(recorder.packet(), { qname: c.name, qtype: 'A', authoritative: true, answer: [], extra: c.extra });
    });
  }
});

test('whoami passes a question of another class than IN on: it holds IN data only', async (t) => {
  for (const [name, qclass] of [['CH', QClass.CH], ['HS', QClass.HS], ['NONE', QClass.NONE], ['ANY', QClass.ANY]] as const) {
    await t.test(name, async () => {
      let passed = false;
      const { rcode, recorder } = await serveWith(createWhoami(), makeRequest('whoami.example.org', 'A', { qclass }), () => ((passed = true), Rcode.REFUSED));
      assert.equal(passed, true);
      assert.equal(rcode, Rcode.REFUSED);
      assert.equal(recorder.writes, 0);
    });
  }
});
