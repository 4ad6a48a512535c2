import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginError, QClass, QType } from '@chaindns/core';
import { assertCase } from '@chaindns/core/testing';
import { ask, backend, rewriteOf, serve } from './kit.js';

/** CoreDNS's TestRewrite rules, in its order. */
const RULES = `rewrite name from.nl. to.nl.
rewrite stop name regex (core)\\.(dns)\\.(rocks)\\.(nl) {2}.{1}.{3}.{4} answer name (dns)\\.(core)\\.(rocks)\\.(nl) {2}.{1}.{3}.{4}
rewrite name exact from.exact.nl. to.nl.
rewrite name prefix prefix to
rewrite name suffix .suffix. .nl.
rewrite name substring from.substring to
rewrite name regex (f.*m)\\.regex\\.(nl) to.{2}
rewrite continue name regex consul\\.(rocks) core.dns.{1}
rewrite name core.dns.rocks to.nl.
rewrite continue class HS CH
rewrite stop class CH IN
rewrite stop type ANY HINFO`;

test('the rest of the chain sees the rewritten question, the client its own (CoreDNS TestRewrite)', async (t) => {
  const h = rewriteOf(RULES);
  const cases: [string, number, number, string, number, number][] = [
    ['from.nl.', QType.A, QClass.IN, 'to.nl.', QType.A, QClass.IN],
    ['a.nl.', QType.A, QClass.IN, 'a.nl.', QType.A, QClass.IN],
    ['a.nl.', QType.A, QClass.CH, 'a.nl.', QType.A, QClass.IN],
    ['a.nl.', QType.ANY, QClass.IN, 'a.nl.', QType.HINFO, QClass.IN],
    // The name is rewritten and the rule stops: the type is not.
    ['from.nl.', QType.ANY, QClass.IN, 'to.nl.', QType.ANY, QClass.IN],
    ['from.exact.nl.', QType.A, QClass.IN, 'to.nl.', QType.A, QClass.IN],
    ['prefix.nl.', QType.A, QClass.IN, 'to.nl.', QType.A, QClass.IN],
    ['to.suffix.', QType.A, QClass.IN, 'to.nl.', QType.A, QClass.IN],
    ['from.substring.nl.', QType.A, QClass.IN, 'to.nl.', QType.A, QClass.IN],
    ['from.regex.nl.', QType.A, QClass.IN, 'to.nl.', QType.A, QClass.IN],
    ['consul.rocks.', QType.A, QClass.IN, 'to.nl.', QType.A, QClass.IN],
    // The class rule comes before the type rule and stops.
    ['a.nl.', QType.ANY, QClass.CH, 'a.nl.', QType.ANY, QClass.IN],
    // HS becomes CH (continue), then CH becomes IN.
    ['a.nl.', QType.ANY, 4, 'a.nl.', QType.ANY, QClass.IN],
    ['core.dns.rocks.nl.', QType.A, QClass.IN, 'dns.core.rocks.nl.', QType.A, QClass.IN],
  ];
  for (const [from, fromT, fromC, to, toT, toC] of cases) {
    await t.test(`${from} ${fromT} ${fromC}`, async () => {
      const { next, seen } = backend();
      const req = ask(from, fromT, { qclass: fromC });
      const { recorder } = await serve(h, req, next);
      assert.deepEqual([seen[0]!.qname, seen[0]!.qtype, seen[0]!.qclass], [to, toT, toC], 'what the chain saw');
      const q = recorder.packet().questions![0]!;
      assert.deepEqual([q.name, recorder.msg!.readUInt16BE(req.questionEnd - 2)], [from.slice(0, -1), fromC], 'the question the client gets');
      assert.equal(recorder.msg!.subarray(12, req.questionEnd).equals(req.msg.subarray(12, req.questionEnd)), true);
    });
  }
});

test('a query no rule matches passes on untouched: same Request, same writer', async () => {
  const h = rewriteOf(RULES);
  const req = ask('untouched.example.', QType.A);
  const { next, seen } = backend();
  const { recorder } = await serve(h, req, next);
  assert.equal(seen[0], req);
  assert.equal(recorder.writes, 1);
});

test('answers of prefix, suffix, substring and regex rules keep the new name unless asked (CoreDNS TestRewriteDefaultRevertPolicy, name_test.go)', async (t) => {
  const cases: [string, string, string, string][] = [
    // rule, question, what the chain sees, the answer's owner name
    ['rewrite name prefix prefix to', 'prefix.nl.', 'to.nl.', 'to.nl'],
    ['rewrite name suffix .suffix. .nl.', 'to.suffix.', 'to.nl.', 'to.nl'],
    ['rewrite name substring from.substring to', 'from.substring.nl.', 'to.nl.', 'to.nl'],
    ['rewrite name regex (f.*m)\\.regex\\.(nl) to.{2}', 'from.regex.nl.', 'to.nl.', 'to.nl'],
    ['rewrite name prefix foo bar', 'foo.example.com.', 'bar.example.com.', 'bar.example.com'],
    ['rewrite name prefix foo. bar.', 'foo.example.com.', 'bar.example.com.', 'bar.example.com'],
    ['rewrite name suffix com org', 'foo.example.com.', 'foo.example.org.', 'foo.example.org'],
    ['rewrite name suffix .com .org', 'foo.example.com.', 'foo.example.org.', 'foo.example.org'],
    ['rewrite name suffix .ingress.coredns.rocks nginx.coredns.rocks', 'coredns.ingress.coredns.rocks.', 'corednsnginx.coredns.rocks.', 'corednsnginx.coredns.rocks'],
    // TestRewriteNameNoRewrite: the rule does not match.
    ['rewrite name prefix foo bar', 'coredns.foo.', 'coredns.foo.', 'coredns.foo'],
    ['rewrite name suffix com org', 'com.coredns.', 'com.coredns.', 'com.coredns'],
    ['rewrite name substring service svc', 'com.coredns.', 'com.coredns.', 'com.coredns'],
    // TestRewriteNamePrefixSuffixAutoAnswer
    ['rewrite name prefix foo bar answer auto', 'foo.example.com.', 'bar.example.com.', 'foo.example.com'],
    ['rewrite name suffix com org answer auto', 'foo.example.com.', 'foo.example.org.', 'foo.example.com'],
    ['rewrite name suffix .ingress.coredns.rocks nginx.coredns.rocks answer auto', 'coredns.ingress.coredns.rocks.', 'corednsnginx.coredns.rocks.', 'coredns.ingress.coredns.rocks'],
    // TestRewriteNameExactAnswer: exact always maps back.
    ['rewrite name exact coredns.rocks service.consul answer auto', 'coredns.rocks.', 'service.consul.', 'coredns.rocks'],
    ['rewrite name exact coredns.rocks service.consul', 'coredns.rocks.', 'service.consul.', 'coredns.rocks'],
    ['rewrite name exact coredns.org. service.consul.', 'coredns.rocks.', 'coredns.rocks.', 'coredns.rocks'],
    // TestRewriteNameRegexAnswer
    ['rewrite name regex (.*).coredns.rocks {1}.coredns.maps answer auto', 'foo.coredns.rocks.', 'foo.coredns.maps.', 'foo.coredns.rocks'],
    ['rewrite name regex (.*).coredns.rocks {1}.coredns.maps answer name (.*).coredns.maps {1}.coredns.works', 'foo.coredns.rocks.', 'foo.coredns.maps.', 'foo.coredns.works'],
    ['rewrite name regex (.*).coredns.rocks {1}.coredns.maps', 'foo.coredns.rocks.', 'foo.coredns.maps.', 'foo.coredns.maps'],
  ];
  for (const [rule, question, sent, owner] of cases) {
    await t.test(`${rule}: ${question}`, async () => {
      const { next, seen } = backend();
      const { recorder } = await serve(rewriteOf(rule), ask(question, QType.A), next);
      const p = recorder.packet();
      assert.equal(seen[0]!.qname, sent);
      assert.equal(p.questions![0]!.name, question.slice(0, -1));
      assert.equal(p.answers![0]!.name, owner);
    });
  }
});

test('a rewritten name that is not a legal domain name fails the query with SERVFAIL (CoreDNS TestRewriteIllegalName)', async (t) => {
  for (const rule of ['rewrite name example.org. example..org.', `rewrite name regex (.*)\\.org {1}${'.x'.repeat(130)}`, `rewrite name regex (.*) ${'a'.repeat(64)}.{1}`]) {
    await t.test(rule.slice(0, 60), async () => {
      const { next, seen } = backend();
      await assert.rejects(serve(rewriteOf(rule), ask('example.org.', QType.A), next), (err: unknown) => err instanceof PluginError && err.rcode === 2 && /invalid name after rewrite/.test(err.message));
      assert.equal(seen.length, 0);
    });
  }
});

/** CoreDNS's reverter_test.go: an answer name rule undoes the regex for owner names and values. */
test('answer name and answer value map the reply back, in every section (CoreDNS TestResponseReverter, TestValueResponseReverter)', async (t) => {
  const swap = 'name regex (core)\\.(dns)\\.(rocks) {2}.{1}.{3} answer name (dns)\\.(core)\\.(rocks) {2}.{1}.{3}';
  for (const mode of ['stop', 'continue']) {
    const h = rewriteOf(`rewrite ${mode} ${swap}`);
    const cases: [number, string[], string[]][] = [
      [QType.A, ['dns.core.rocks. 5 IN A 10.0.0.1'], ['core.dns.rocks. 5 IN A 10.0.0.1']],
      [QType.SRV, ['dns.core.rocks. 5 IN SRV 0 100 100 srv1.dns.core.rocks.'], ['core.dns.rocks. 5 IN SRV 0 100 100 srv1.dns.core.rocks.']],
      [QType.A, ['dns.core.rocks. 5 IN A 10.0.0.1', 'dns.core.rocks. 5 IN A 10.0.0.2'], ['core.dns.rocks. 5 IN A 10.0.0.1', 'core.dns.rocks. 5 IN A 10.0.0.2']],
    ];
    for (const [qtype, answers, want] of cases) {
      await t.test(`${mode} ${answers[0]}`, async () => {
        const { next } = backend(() => ({ answers }));
        const { recorder } = await serve(h, ask('core.dns.rocks', qtype), next);
        assertCase(recorder.packet(), { qname: 'core.dns.rocks', qtype: String(qtype), answer: want });
        assert.equal(recorder.packet().questions![0]!.name, 'core.dns.rocks');
      });
    }
  }
  const valueRules: [string, string][] = [
    ['regex', 'rewrite stop name regex (.*)\\.domain\\.uk {1}.cluster.local answer name (.*)\\.cluster\\.local {1}.domain.uk answer value (.*)\\.cluster\\.local {1}.domain.uk'],
    ['continue regex', 'rewrite continue name regex (.*)\\.domain\\.uk {1}.cluster.local answer name (.*)\\.cluster\\.local {1}.domain.uk answer value (.*)\\.cluster\\.local {1}.domain.uk'],
    ['suffix', 'rewrite stop name suffix .domain.uk .cluster.local answer auto answer value (.*)\\.cluster\\.local {1}.domain.uk'],
    ['two suffix rules', 'rewrite continue name suffix .domain.uk .domain.us answer auto\nrewrite stop name suffix .domain.us .cluster.local answer auto'],
  ];
  const values: [number, string, string, string][] = [
    // qtype, the record, what it becomes, the additional record's new owner
    [QType.SRV, 'my.cluster.local. 5 IN SRV 0 100 100 srv1.my.cluster.local.', 'my.domain.uk. 5 IN SRV 0 100 100 srv1.my.domain.uk.', 'srv1.my.domain.uk.'],
    [QType.ANY, 'my.cluster.local. 3600 IN CNAME cname.cluster.local.', 'my.domain.uk. 3600 IN CNAME cname.domain.uk.', 'cname.domain.uk.'],
    [QType.ANY, 'my.cluster.local. 3600 IN DNAME dname.cluster.local.', 'my.domain.uk. 3600 IN DNAME dname.domain.uk.', 'dname.domain.uk.'],
    [QType.MX, 'my.cluster.local. 3600 IN MX 1 mx1.cluster.local.', 'my.domain.uk. 3600 IN MX 1 mx1.domain.uk.', 'mx1.domain.uk.'],
    [QType.ANY, 'my.cluster.local. 3600 IN NS ns1.cluster.local.', 'my.domain.uk. 3600 IN NS ns1.domain.uk.', 'ns1.domain.uk.'],
    [QType.SOA, 'my.cluster.local. 1800 IN SOA ns1.cluster.local. admin.cluster.local. 1502165581 14400 3600 604800 14400', 'my.domain.uk. 1800 IN SOA ns1.domain.uk. admin.cluster.local. 1502165581 14400 3600 604800 14400', 'ns1.domain.uk.'],
    [QType.PTR, 'my.cluster.local. 60 IN PTR ftp.service.cluster.local.', 'my.domain.uk. 60 IN PTR ftp.service.domain.uk.', 'ns1.domain.uk.'],
  ];
  for (const [label, rules] of valueRules) {
    const h = rewriteOf(rules);
    for (const [qtype, record, want, extra] of values) {
      await t.test(`${label}: ${record}`, async () => {
        const glue = extra.replace('domain.uk', 'cluster.local');
        const { next, seen } = backend(() => ({ answers: [record], extra: [`${glue} 5 IN A 10.0.0.1`] }));
        const { recorder } = await serve(h, ask('my.domain.uk', qtype), next);
        assert.equal(seen[0]!.qname, 'my.cluster.local.');
        assertCase(recorder.packet(), { qname: 'my.domain.uk', qtype: String(qtype), answer: [want], extra: [`${extra} 5 IN A 10.0.0.1`] });
      });
    }
  }
  await t.test('NAPTR: the replacement is its value', async () => {
    const h = rewriteOf(valueRules[0]![1]);
    const naptr = { name: 'my.cluster.local', type: 'NAPTR' as const, ttl: 100, data: { order: 100, preference: 10, flags: 'S', services: 'SIP+D2U', regexp: '!^.*$!sip:customer-service@example.com!', replacement: '_sip._udp.cluster.local' } };
    const { next } = backend(() => ({ raw: [naptr] }));
    const { recorder } = await serve(h, ask('my.domain.uk', QType.NAPTR), next);
    const got = recorder.packet().answers![0]! as unknown as { name: string; data: { replacement: string; regexp: string } };
    assert.deepEqual([got.name, got.data.replacement, got.data.regexp], ['my.domain.uk', '_sip._udp.domain.uk', '!^.*$!sip:customer-service@example.com!']);
  });
});

test("a reply without a question gets the client's (CoreDNS TestResponseReverterRestoresMissingQuestion)", async () => {
  const h = rewriteOf('rewrite name suffix .example.org .example.net answer auto');
  const next = (_req: unknown, w: { write(m: Buffer): void }) => {
    // A header (QR, one answer) and `service.example.net. 60 IN A 127.0.0.1`, no question.
    const owner = Buffer.from([7, ...Buffer.from('service'), 7, ...Buffer.from('example'), 3, ...Buffer.from('net'), 0]);
    w.write(Buffer.concat([Buffer.from([0, 0, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0]), owner, Buffer.from([0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1])]));
    return 0;
  };
  const { recorder } = await serve(h, ask('service.example.org', QType.A), next);
  assertCase(recorder.packet(), { qname: 'service.example.org', qtype: 'A', answer: ['service.example.org. 60 IN A 127.0.0.1'] });
  assert.deepEqual(recorder.packet().questions, [{ name: 'service.example.org', type: 'A', class: 'IN' }]);
});
