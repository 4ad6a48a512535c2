import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Next, PluginError, Rcode, type Request, reply, type SearchPathProvider } from '@chaindns/core';
import { A, assertCase, type Case, CNAME, makeRequest, serveWith, SOA } from '@chaindns/core/testing';
import { createAutopath } from '../src/index.js';

const soa = SOA('example.org. 1800 IN SOA example.org. example.org. 1502165581 14400 3600 604800 14400');

/**
 * The rest of the chain, as CoreDNS's autopath_test nextHandler: NXDOMAIN (with
 * an SOA) or an A record `<qname> 3600 IN A 127.0.0.53` per name, SERVFAIL
 * without writing for any other name. Records every query it sees.
 */
function chain(names: Record<string, 'NXDOMAIN' | 'NOERROR' | 'NODATA'>): Next & { seen: Request[] } {
  const seen: Request[] = [];
  const next = (req: Request, w: { write(msg: Buffer): void }): number => {
    seen.push(req);
    const outcome = names[req.qname];
    if (outcome === undefined) return Rcode.SERVFAIL;
    if (outcome === 'NXDOMAIN') {
      w.write(reply(req, { rcode: Rcode.NXDOMAIN, authorities: [soa] }));
      return Rcode.NXDOMAIN;
    }
    w.write(reply(req, outcome === 'NODATA' ? { authorities: [soa] } : { answers: [A(`${req.qnameRaw} 3600 IN A 127.0.0.53`)] }));
    return Rcode.NOERROR;
  };
  return Object.assign(next, { seen });
}

const fixed = (path: readonly string[] | null): SearchPathProvider => ({ searchPath: () => path });

function autopathWith(path: readonly string[] | null, zones: readonly string[] = ['.']): { handler: ReturnType<typeof createAutopath>; successes: string[] } {
  const successes: string[] = [];
  return { handler: createAutopath({ zones, provider: fixed(path), success: (server) => successes.push(server) }), successes };
}

// CoreDNS's newTestAutoPath: the search path of a resolv.conf, with the bare name last.
const coreDnsPath = ['example.org.', 'example.com.', 'com.', '.'];
const coreDnsChain = { 'b.example.org.': 'NXDOMAIN', 'b.com.': 'NOERROR', 'a.example.com.': 'NOERROR' } as const;

test('CoreDNS autopath_test: search path expansion, and none outside the first domain', async (t) => {
  const cases: (Case & { tried: string[]; success: boolean })[] = [
    // b.example.com. is unknown to the chain (SERVFAIL, unwritten): autopath goes on to com.
    { qname: 'b.example.org.', qtype: 'A', ordered: true, answer: [CNAME('b.example.org. 3600 IN CNAME b.com.'), A('b.com. 3600 IN A 127.0.0.53')], tried: ['b.example.org.', 'b.example.com.', 'b.com.'], success: true },
    { qname: 'a.example.com.', qtype: 'A', answer: [A('a.example.com. 3600 IN A 127.0.0.53')], tried: ['a.example.com.'], success: false },
  ];
  for (const c of cases) {
    await t.test(c.qname, async () => {
      const { handler, successes } = autopathWith(coreDnsPath);
      const next = chain(coreDnsChain);
      const { rcode, recorder } = await serveWith(handler, makeRequest(c.qname, 'A'), next);
      assert.equal(rcode, Rcode.NOERROR);
      const packet = recorder.packet();
      assert.equal(packet.questions?.[0]?.name, c.qname.slice(0, -1), 'the question is the client’s');
      assertCase(packet, c);
      assert.deepEqual(
        next.seen.map((r) => r.qname),
        c.tried,
      );
      assert.deepEqual(successes, c.success ? ['dns://:53'] : []);
    });
  }
});

test('CoreDNS TestAutoPathNoAnswer: every search domain unknown, nothing written, the first rcode returned', async () => {
  const { handler, successes } = autopathWith(coreDnsPath);
  const next = chain(coreDnsChain);
  const { rcode, recorder } = await serveWith(handler, makeRequest('c.example.org.', 'A'), next);
  assert.equal(rcode, Rcode.SERVFAIL);
  assert.equal(recorder.writes, 0);
  assert.deepEqual(
    next.seen.map((r) => r.qname),
    ['c.example.org.', 'c.example.com.', 'c.com.', 'c.'],
  );
  assert.deepEqual(successes, []);
});

test('CoreDNS TestInSearchPath: only names below the first search domain are completed', async (t) => {
  const path = ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', '.'];
  const cases = [
    { qname: 'google.com.', searched: false },
    // CoreDNS counts the domain itself as in the path, then fails to trim it and answers SERVFAIL: it goes on here.
    { qname: 'default.svc.cluster.local.', searched: false },
    { qname: 'a.default.svc.cluster.local.', searched: true },
    { qname: 'a.b.svc.cluster.local.', searched: false },
    // A label boundary, not a string suffix.
    { qname: 'xdefault.svc.cluster.local.', searched: false },
  ];
  for (const c of cases) {
    await t.test(c.qname, async () => {
      const { handler } = autopathWith(path);
      const next = chain({});
      const req = makeRequest(c.qname, 'A');
      await serveWith(handler, req, next);
      if (c.searched) {
        assert.deepEqual(
          next.seen.map((r) => r.qname),
          ['a.default.svc.cluster.local.', 'a.svc.cluster.local.', 'a.cluster.local.', 'a.'],
        );
      } else {
        assert.equal(next.seen.length, 1);
        assert.equal(next.seen[0], req, 'passed on as it came');
      }
    });
  }
});

test('the pod case: a short name found in the second domain, an external name as the bare name', async (t) => {
  const path = ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', '.'];
  const names = {
    'nginx.default.svc.cluster.local.': 'NOERROR',
    'kube-dns.default.svc.cluster.local.': 'NXDOMAIN',
    'kube-dns.kube-system.svc.cluster.local.': 'NOERROR',
    'kube-dns.kube-system.default.svc.cluster.local.': 'NXDOMAIN',
    'www.example.com.default.svc.cluster.local.': 'NXDOMAIN',
    'www.example.com.svc.cluster.local.': 'NXDOMAIN',
    'www.example.com.cluster.local.': 'NXDOMAIN',
    'www.example.com.': 'NOERROR',
    'nope.default.svc.cluster.local.': 'NXDOMAIN',
    'nope.svc.cluster.local.': 'NXDOMAIN',
    'nope.cluster.local.': 'NXDOMAIN',
    'nope.': 'NXDOMAIN',
    'v6only.default.svc.cluster.local.': 'NXDOMAIN',
    'v6only.svc.cluster.local.': 'NODATA',
  } as const;
  const cases: (Case & { tries: number; success: boolean })[] = [
    // Found in the client's own namespace: its own reply, as the rest of the chain wrote it.
    { qname: 'nginx.default.svc.cluster.local.', qtype: 'A', answer: [A('nginx.default.svc.cluster.local. 3600 IN A 127.0.0.53')], tries: 1, success: true },
    // `kube-dns.kube-system` asked with ndots:5: the second domain has it.
    {
      qname: 'kube-dns.kube-system.default.svc.cluster.local.',
      qtype: 'A',
      ordered: true,
      answer: [CNAME('kube-dns.kube-system.default.svc.cluster.local. 3600 IN CNAME kube-dns.kube-system.svc.cluster.local.'), A('kube-dns.kube-system.svc.cluster.local. 3600 IN A 127.0.0.53')],
      tries: 2,
      success: true,
    },
    {
      qname: 'www.example.com.default.svc.cluster.local.',
      qtype: 'A',
      ordered: true,
      answer: [CNAME('www.example.com.default.svc.cluster.local. 3600 IN CNAME www.example.com.'), A('www.example.com. 3600 IN A 127.0.0.53')],
      tries: 4,
      success: true,
    },
    // NXDOMAIN everywhere: the first reply, and the client searches on itself.
    { qname: 'nope.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', answer: [], ns: [soa], tries: 4, success: false },
    // NODATA is an answer: the name exists. No record, so no CNAME; the question is the client's.
    { qname: 'v6only.default.svc.cluster.local.', qtype: 'A', answer: [], ns: [soa], tries: 2, success: true },
  ];
  for (const c of cases) {
    await t.test(c.qname, async () => {
      const { handler, successes } = autopathWith(path);
      const next = chain(names);
      const { rcode, recorder } = await serveWith(handler, makeRequest(c.qname, 'A'), next);
      assert.equal(rcode, c.rcode === 'NXDOMAIN' ? Rcode.NXDOMAIN : Rcode.NOERROR);
      const packet = recorder.packet();
      assert.equal(packet.questions?.[0]?.name, c.qname.slice(0, -1));
      assertCase(packet, c);
      assert.equal(next.seen.length, c.tries);
      assert.equal(successes.length, c.success ? 1 : 0);
    });
  }
});

test('the first domain answering: its reply goes back byte for byte', async () => {
  const { handler } = autopathWith(['default.svc.cluster.local.', 'svc.cluster.local.', '.']);
  let written: Buffer | null = null;
  const next: Next = (req, w) => {
    written = reply(req, { answers: [A(`${req.qnameRaw} 5 IN A 10.0.0.1`)] });
    w.write(written);
    return Rcode.NOERROR;
  };
  const { recorder } = await serveWith(handler, makeRequest('nginx.default.svc.cluster.local.', 'A'), next);
  assert.equal(recorder.msg, written);
});

test('the client’s letter case, ID, EDNS and address stay; the question is its own', async () => {
  const { handler } = autopathWith(['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', '.']);
  const next = chain({ 'kube-dns.kube-system.svc.cluster.local.': 'NOERROR' });
  const remote = { address: '10.244.0.20', port: 33333, family: 4 as const };
  const req = makeRequest('Kube-DNS.Kube-System.DEFAULT.svc.Cluster.Local.', 'A', { id: 0x1234, edns: { udpSize: 1232, do: true }, remote, zone: 'cluster.local.' });
  const { recorder } = await serveWith(handler, req, next);
  for (const derived of next.seen.slice(1)) {
    assert.equal(derived.id, 0x1234);
    assert.deepEqual(derived.edns, { udpSize: 1232, do: true, version: 0 });
    assert.equal(derived.remote, remote);
    assert.equal(derived.zone, 'cluster.local.');
    assert.equal(derived.server, req.server);
  }
  // The labels the client typed keep their case; the search domain is as the path spells it.
  assert.equal(next.seen[1]!.qnameRaw, 'Kube-DNS.Kube-System.svc.cluster.local.');
  const msg = recorder.msg!;
  assert.equal(msg.readUInt16BE(0), 0x1234);
  assert.deepEqual(msg.subarray(12, req.questionEnd), req.msg.subarray(12, req.questionEnd), 'the question as the client sent it');
  const packet = recorder.packet();
  assert.equal(packet.answers?.[0]?.name, 'Kube-DNS.Kube-System.DEFAULT.svc.Cluster.Local');
  assert.equal(packet.answers?.[0]?.type, 'CNAME');
  assert.equal(packet.answers?.[0]?.data, 'Kube-DNS.Kube-System.svc.cluster.local');
  assert.ok(packet.additionals?.some((r) => r.type === 'OPT'), 'the OPT the chain wrote stays');
});

test('a compressed reply (an upstream’s, a CNAME chain) is answered under the client’s name', async () => {
  const { handler } = autopathWith(['default.svc.cluster.local.', 'svc.cluster.local.', '.']);
  const next: Next = (req, w) => {
    if (req.qname !== 'www.example.com.') {
      w.write(reply(req, { rcode: Rcode.NXDOMAIN }));
      return Rcode.NXDOMAIN;
    }
    // www.example.com. CNAME web.example.com. / web.example.com. A 192.0.2.1, names compressed against the question.
    const head = reply(req, {});
    const q = head.subarray(0, req.questionEnd);
    const cname = Buffer.from([0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3, ...Buffer.from('web'), 0xc0, 16]);
    const webAt = q.length + 12;
    const a = Buffer.from([0xc0, webAt, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 192, 0, 2, 1]);
    const msg = Buffer.concat([q, cname, a]);
    msg.writeUInt16BE(2, 6);
    w.write(msg);
    return Rcode.NOERROR;
  };
  const { recorder } = await serveWith(handler, makeRequest('www.example.com.default.svc.cluster.local.', 'A'), next);
  assertCase(recorder.packet(), {
    qname: 'www.example.com.default.svc.cluster.local.',
    qtype: 'A',
    ordered: true,
    answer: [CNAME('www.example.com.default.svc.cluster.local. 60 IN CNAME www.example.com.'), CNAME('www.example.com. 60 IN CNAME web.example.com.'), A('web.example.com. 30 IN A 192.0.2.1')],
  });
});

test('passes on: outside its zones, no search path, a path with no search domain', async (t) => {
  const cases: { name: string; path: readonly string[] | null; zones?: string[]; qname: string }[] = [
    { name: 'outside the zones', path: ['default.svc.cluster.local.', '.'], zones: ['cluster.local.'], qname: 'a.default.svc.example.org.' },
    { name: 'the provider knows no path for this client', path: null, qname: 'a.default.svc.cluster.local.' },
    { name: 'an empty path', path: [], qname: 'a.default.svc.cluster.local.' },
    { name: 'only the bare name (a resolv.conf without search)', path: ['.'], qname: 'a.default.svc.cluster.local.' },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { handler, successes } = autopathWith(c.path, c.zones);
      const next = chain({});
      const req = makeRequest(c.qname, 'A');
      const { rcode } = await serveWith(handler, req, next);
      assert.equal(rcode, Rcode.SERVFAIL);
      assert.deepEqual(next.seen, [req]);
      assert.deepEqual(successes, []);
    });
  }
});

test('a search domain that makes the name too long is skipped', async () => {
  // 51 + 244 + 1 octets: over DNS's 255.
  const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.`;
  const base = `${'x'.repeat(50)}.`;
  const { handler } = autopathWith(['d.', long, '.']);
  const next = chain({ [`${base}d.`]: 'NXDOMAIN' });
  await serveWith(handler, makeRequest(`${base}d.`, 'A'), next);
  assert.deepEqual(
    next.seen.map((r) => r.qname),
    [`${base}d.`, base],
  );
});

test('an error in the rest of the chain fails the query, as CoreDNS returns it', async () => {
  const { handler } = autopathWith(['default.svc.cluster.local.', 'svc.cluster.local.', '.']);
  const next: Next = (req, w) => {
    if (req.qname === 'a.default.svc.cluster.local.') {
      w.write(reply(req, { rcode: Rcode.NXDOMAIN }));
      return Rcode.NXDOMAIN;
    }
    return Promise.reject(new PluginError('forward', Rcode.SERVFAIL, 'no upstream'));
  };
  await assert.rejects(serveWith(handler, makeRequest('a.default.svc.cluster.local.', 'A'), next), /no upstream/);
});

test('a search-domain reply that does not decode fails with SERVFAIL, not a crash', async () => {
  const { handler } = autopathWith(['default.svc.cluster.local.', '.']);
  const next: Next = (req, w) => {
    if (req.qname === 'a.default.svc.cluster.local.') {
      w.write(reply(req, { rcode: Rcode.NXDOMAIN }));
      return Rcode.NXDOMAIN;
    }
    const msg = reply(req, {});
    msg.writeUInt16BE(1, 6); // one answer that is not there
    w.write(msg);
    return Rcode.NOERROR;
  };
  await assert.rejects(serveWith(handler, makeRequest('a.default.svc.cluster.local.', 'A'), next), (err: unknown) => err instanceof PluginError && err.rcode === Rcode.SERVFAIL);
});
