import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginError, QType, Rcode, type Request } from '@chaindns/core';
import { ask, backend, rewriteOf, serve } from './kit.js';

/** CoreDNS's TestTtlRewrite rules. */
const TTL_RULES = `rewrite stop ttl srv1.coredns.rocks 1
rewrite stop ttl exact srv15.coredns.rocks 15
rewrite stop ttl prefix srv30 30
rewrite stop ttl suffix 45.coredns.rocks 45
rewrite stop ttl substring rv50 50
rewrite stop ttl regex (srv10)\\.(coredns)\\.(rocks) 10
rewrite stop ttl regex (srv20)\\.(coredns)\\.(rocks) 20
rewrite stop ttl range.example.com. 30-300
rewrite stop ttl ceil.example.com. -11
rewrite stop ttl floor.example.com. 5-`;

test('ttl rules set every TTL of the reply, or clamp it to a range (CoreDNS TestTtlRewrite)', async (t) => {
  const h = rewriteOf(TTL_RULES);
  const cases: [string, number, string[], number][] = [
    ['srv1.coredns.rocks.', QType.A, ['srv1.coredns.rocks. 5 IN A 10.0.0.1'], 1],
    ['srv15.coredns.rocks.', QType.A, ['srv15.coredns.rocks. 5 IN A 10.0.0.15'], 15],
    ['srv30.coredns.rocks.', QType.A, ['srv30.coredns.rocks. 5 IN A 10.0.0.30'], 30],
    ['srv45.coredns.rocks.', QType.A, ['srv45.coredns.rocks. 5 IN A 10.0.0.45'], 45],
    ['srv50.coredns.rocks.', QType.A, ['srv50.coredns.rocks. 5 IN A 10.0.0.50'], 50],
    ['srv10.coredns.rocks.', QType.A, ['srv10.coredns.rocks. 5 IN A 10.0.0.10'], 10],
    ['xmpp.coredns.rocks.', QType.SRV, ['xmpp.coredns.rocks. 5 IN SRV 0 100 100 srvxmpp.coredns.rocks.'], 5],
    ['srv15.coredns.rocks.', QType.HINFO, ['srv15.coredns.rocks. 5 IN HINFO INTEL-64 "RHEL 7.5"'], 15],
    ['srv20.coredns.rocks.', QType.A, ['srv20.coredns.rocks. 5 IN A 10.0.0.22', 'srv20.coredns.rocks. 5 IN A 10.0.0.23'], 20],
    ['range.example.com.', QType.A, ['range.example.com. 5 IN A 10.0.0.1'], 30],
    ['range.example.com.', QType.A, ['range.example.com. 55 IN A 10.0.0.1'], 55],
    ['range.example.com.', QType.A, ['range.example.com. 500 IN A 10.0.0.1'], 300],
    ['ceil.example.com.', QType.A, ['ceil.example.com. 5 IN A 10.0.0.1'], 5],
    ['ceil.example.com.', QType.A, ['ceil.example.com. 15 IN A 10.0.0.1'], 11],
    ['floor.example.com.', QType.A, ['floor.example.com. 0 IN A 10.0.0.1'], 5],
    ['floor.example.com.', QType.A, ['floor.example.com. 30 IN A 10.0.0.1'], 30],
  ];
  for (const [name, qtype, answers, ttl] of cases) {
    await t.test(`${answers[0]} -> ${ttl}`, async () => {
      const { next } = backend(() => ({ answers, extra: [`${name} 7 IN TXT "extra"`] }));
      const { recorder } = await serve(h, ask(name, qtype, { edns: true }), next);
      const p = recorder.packet();
      assert.deepEqual(p.answers!.map((a) => (a as { ttl: number }).ttl), answers.map(() => ttl));
      // The additional section too; the OPT (whose TTL field holds flags) is left alone.
      const extra = p.additionals!.find((a) => a.type === 'TXT') as { ttl: number };
      assert.equal(extra.ttl, extraTtl(name, ttl));
      assert.ok(p.additionals!.some((a) => a.type === 'OPT'));
    });
  }
});

/** What the additional TXT's TTL of 7 becomes under the rule that matched `name`. */
function extraTtl(name: string, answerTtl: number): number {
  if (name.startsWith('xmpp.') || name.startsWith('ceil.') || name.startsWith('floor.')) return 7;
  if (name.startsWith('range.')) return 30;
  return answerTtl;
}

test("rcode rules rewrite the reply's rcode, and a chain that wrote nothing's (CoreDNS TestRCodeRewrite, TestRCodeRewriteEmptyResponse)", async (t) => {
  await t.test('a written SERVFAIL with a record becomes FORMERR', async () => {
    const h = rewriteOf('rewrite stop rcode exact srv1.coredns.rocks SERVFAIL FORMERR');
    const { next } = backend(() => ({ rcode: Rcode.SERVFAIL, answers: ['srv1.coredns.rocks. 5 IN A 10.0.0.1'] }));
    const { recorder } = await serve(h, ask('srv1.coredns.rocks', QType.A), next);
    assert.equal(recorder.rcode, Rcode.FORMERR);
  });
  for (const mode of ['stop', 'continue']) {
    for (const old of ['FORMERR', 'SERVFAIL', 'REFUSED', 'NOTIMP'] as const) {
      await t.test(`${mode}: ${old} returned, nothing written, no EDNS0`, async () => {
        const h = rewriteOf(`rewrite ${mode} rcode exact srv1.coredns.rocks ${old} NOERROR`);
        const { recorder } = await serve(h, ask('srv1.coredns.rocks', QType.A), () => Rcode[old]);
        assert.equal(recorder.writes, 1, 'rewrite wrote the reply');
        assert.equal(recorder.rcode, Rcode.NOERROR);
        assert.equal(recorder.packet().questions![0]!.name, 'srv1.coredns.rocks');
      });
    }
  }
  await t.test('a returned PluginError is answered through the rules too', async () => {
    const h = rewriteOf('rewrite rcode srv1.coredns.rocks SERVFAIL NXDOMAIN');
    const recorder = { msg: null as Buffer | null, write(m: Buffer) { this.msg = m; } };
    assert.throws(() => h.serveDNS(ask('srv1.coredns.rocks', QType.A), recorder, () => { throw new PluginError('forward', Rcode.SERVFAIL, 'no upstream'); }), /no upstream/);
    assert.equal(recorder.msg![3]! & 0x0f, Rcode.NXDOMAIN);
  });
  await t.test('a crash is left to the server', async () => {
    const h = rewriteOf('rewrite rcode srv1.coredns.rocks SERVFAIL NOERROR');
    const recorder = { msg: null as Buffer | null, write(m: Buffer) { this.msg = m; } };
    assert.throws(() => h.serveDNS(ask('srv1.coredns.rocks', QType.A), recorder, () => { throw new TypeError('bug'); }), /bug/);
    assert.equal(recorder.msg, null);
  });
  await t.test('an asynchronous chain, and an extended rcode in the OPT', async () => {
    const h = rewriteOf('rewrite rcode regex (.*)\\.coredns\\.rocks NXDOMAIN BADCOOKIE');
    const { next } = backend(() => ({ rcode: Rcode.NXDOMAIN }));
    const later = (req: Request, w: { write(m: Buffer): void }) => new Promise<number>((resolve) => setImmediate(() => resolve(next(req, w) as number)));
    const { recorder } = await serve(h, ask('a.coredns.rocks', QType.A, { edns: true }), later);
    const opt = recorder.packet().additionals!.find((a) => a.type === 'OPT') as unknown as { extendedRcode: number };
    assert.equal(((opt.extendedRcode << 4) | recorder.rcode!), 23);
  });
  await t.test('a name the rule does not match keeps its rcode', async () => {
    const h = rewriteOf('rewrite rcode srv1.coredns.rocks SERVFAIL NOERROR');
    const { recorder } = await serve(h, ask('srv2.coredns.rocks', QType.A), () => Rcode.SERVFAIL);
    assert.equal(recorder.writes, 0);
  });
});
