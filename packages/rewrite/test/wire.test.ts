import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeName, type Next, QClass, QType, type Request } from '@chaindns/core';
import { assertCase } from '@chaindns/core/testing';
import { ask, backend, rewriteOf, serve } from './kit.js';

const AKS = `rewrite stop {
  name regex (.*)\\.example\\.com {1}.default.svc.cluster.local
  answer name (.*)\\.default\\.svc\\.cluster\\.local {1}.example.com
}`;

const u16 = (n: number): number[] => [n >> 8, n & 0xff];

/**
 * An upstream's reply, compressed as servers write them: the question as
 * asked, then `NAME CNAME alt.<pointer to the question's second label>` with
 * NAME a pointer to the question, then `alt... A 10.0.0.9` whose owner is a
 * pointer to the CNAME's target.
 */
function compressedUpstream(): { next: Next; seen: Request[] } {
  const seen: Request[] = [];
  const next: Next = (req, w) => {
    seen.push(req);
    const question = req.msg.subarray(12, req.questionEnd);
    const secondLabel = 12 + 1 + question[0]!;
    const cnameAt = 12 + question.length;
    const target = [3, ...Buffer.from('alt'), 0xc0, secondLabel];
    const targetAt = cnameAt + 12;
    const msg = Buffer.from([
      ...req.msg.subarray(0, 2), 0x81, 0x80, ...u16(1), ...u16(2), ...u16(0), ...u16(0),
      ...question,
      0xc0, 12, ...u16(QType.CNAME), ...u16(1), 0, 0, 0, 30, ...u16(target.length), ...target,
      0xc0 | (targetAt >> 8), targetAt & 0xff, ...u16(QType.A), ...u16(1), 0, 0, 0, 30, ...u16(4), 10, 0, 0, 9,
    ]);
    w.write(msg);
    return 0;
  };
  return { next, seen };
}

test("a compressed upstream reply is rewritten with its pointers followed, and written compressed again", async () => {
  const { next, seen } = compressedUpstream();
  const { recorder } = await serve(rewriteOf(AKS), ask('web.example.com', QType.A), next);
  assert.equal(seen[0]!.qname, 'web.default.svc.cluster.local.');
  assertCase(recorder.packet(), {
    qname: 'web.example.com',
    qtype: 'A',
    ordered: true,
    answer: ['web.example.com. 30 IN CNAME alt.default.svc.cluster.local.', 'alt.example.com. 30 IN A 10.0.0.9'],
  });
  const msg = recorder.msg!;
  // The first owner is a pointer to the question; the A's owner shares `example.com.` with it.
  const firstOwner = 12 + encodeName('web.example.com.').length + 4;
  assert.deepEqual([...msg.subarray(firstOwner, firstOwner + 2)], [0xc0, 12]);
  assert.ok(msg.length < 110, `${msg.length} bytes`);
});

test('a question rewritten back keeps the letter case the client sent (0x20), in the question and the names that point at it', async () => {
  const { next } = compressedUpstream();
  const { recorder } = await serve(rewriteOf(AKS), ask('wEb.ExAmple.COM', QType.A), next);
  const p = recorder.packet();
  assert.equal(p.questions![0]!.name, 'wEb.ExAmple.COM');
  // The answer's own spelling is the rule's (lowercase), as CoreDNS writes it.
  assert.deepEqual(p.answers!.map((a) => a.name), ['web.example.com', 'alt.example.com']);
});

test('a type or class rewrite puts the question back in place, bytes unchanged but for the question', async () => {
  const { next, seen } = backend((req) => ({ answers: [`${req.qnameRaw} 60 IN HINFO "INTEL-64" "RHEL 7.4"`] }));
  const req = ask('Host.Example.ORG', QType.ANY);
  const { recorder } = await serve(rewriteOf('rewrite type ANY HINFO'), req, next);
  assert.equal(seen[0]!.qtype, QType.HINFO);
  assert.equal(recorder.msg!.subarray(12, req.questionEnd).equals(req.msg.subarray(12, req.questionEnd)), true);
  assert.equal(recorder.packet().answers![0]!.type, 'HINFO');

  const ch = ask('version.bind', QType.TXT, { qclass: QClass.CH });
  const { next: next2, seen: seen2 } = backend((r) => ({ answers: [`${r.qnameRaw} 0 IN TXT "from IN"`] }));
  const { recorder: rec2 } = await serve(rewriteOf('rewrite class CH IN'), ch, next2);
  assert.equal(seen2[0]!.qclass, QClass.IN);
  assert.equal(rec2.msg!.readUInt16BE(ch.questionEnd - 2), QClass.CH);
});

test("a reply the rewrite cannot read, or a name a rule makes illegal, is a SERVFAIL with the client's question", async () => {
  const broken: Next = (req, w) => {
    const msg = Buffer.from(req.msg);
    msg[2] = 0x81;
    msg.writeUInt16BE(3, 6); // three answers that are not there
    w.write(msg);
    return 0;
  };
  const { recorder } = await serve(rewriteOf(AKS), ask('web.example.com', QType.A), broken);
  assert.equal(recorder.rcode, 2);
  assert.equal(recorder.packet().questions![0]!.name, 'web.example.com');

  const long = rewriteOf(`rewrite name regex (.*)\\.example\\.com {1}.b answer name (.*)\\.b ${'x'.repeat(64)}.{1}`);
  const { recorder: r2 } = await serve(long, ask('a.example.com', QType.A), backend().next);
  assert.equal(r2.rcode, 2);
});

test("the query passed on keeps the client's ID, flags, transport and remote, and its other records", async () => {
  const { next, seen } = backend();
  const req = ask('web.example.com', QType.A, { options: [{ code: 10, data: Buffer.from('0102030405060708', 'hex') }], transport: 'tcp' });
  await serve(rewriteOf(AKS), req, next);
  const q = seen[0]!;
  assert.deepEqual([q.id, q.flags, q.transport, q.remote, q.edns], [req.id, req.flags, req.transport, req.remote, req.edns]);
  assert.equal(q.msg.subarray(q.questionEnd).equals(req.msg.subarray(req.questionEnd)), true, 'the OPT as sent');
});
