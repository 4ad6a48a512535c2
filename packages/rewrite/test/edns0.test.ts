import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeName, type Next, QType, type Request } from '@chaindns/core';
import { ask, backend, CLIENT6, optionsOf, rewriteOf, serve } from './kit.js';

const hex = (text: string): Uint8Array => Buffer.from(text, 'hex');
const ascii = (text: string): string => Buffer.from(text).toString('hex');
const LOCAL = 0xffee;

/**
 * CoreDNS's msgPrinter: the query itself sent back as the reply, with an A
 * record for its name, so the reply's OPT is the query's (options and all).
 */
function mirror(): { next: Next; seen: Request[] } {
  const seen: Request[] = [];
  const next: Next = (req, w) => {
    seen.push(req);
    const a = Buffer.concat([encodeName(req.qnameRaw), Buffer.from([0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 0, 0, 1])]);
    const out = Buffer.concat([req.msg.subarray(0, req.questionEnd), a, req.msg.subarray(req.questionEnd)]);
    out[2] = out[2]! | 0x80;
    out.writeUInt16BE(1, 6);
    w.write(out);
    return 0;
  };
  return { next, seen };
}

type Opts = [number, string][];

/** The options the chain saw and the client got, for `rules` on example.com. with `from` options (none: no OPT). */
async function run(rules: string, from: Opts | null, options: { remote?: typeof CLIENT6; next?: 'mirror' | 'reply'; transport?: 'tcp' } = {}): Promise<{ seen: Opts | null; client: Opts | null }> {
  const spec = { ...(from ? { options: from.map(([code, data]) => ({ code, data: hex(data) })) } : {}), ...(options.remote ? { remote: options.remote } : {}), ...(options.transport ? { transport: options.transport } : {}) };
  const { next, seen } = options.next === 'reply' ? backend() : mirror();
  const { recorder } = await serve(rewriteOf(rules), ask('example.com.', QType.A, spec), next);
  assert.equal(recorder.packet().questions![0]!.name, 'example.com');
  return { seen: optionsOf(seen[0]!.msg), client: optionsOf(recorder.msg!) };
}

test('edns0 local, nsid and subnet rules set the options the chain sees (CoreDNS TestRewriteEDNS0Local, TestRewriteEDNS0Subnet)', async (t) => {
  const cases: [string, Opts | null, Opts | null][] = [
    ['rewrite edns0 local set 0xffee 0xabcdef', null, [[LOCAL, 'abcdef']]],
    ['rewrite edns0 local append 0xffee abcdefghijklmnop', null, [[LOCAL, ascii('abcdefghijklmnop')]]],
    // Nothing to replace: the query passes on as the client sent it.
    ['rewrite edns0 local replace 0xffee abcdefghijklmnop', null, null],
    ['rewrite edns0 nsid set', null, [[3, '']]],
    ['rewrite edns0 nsid append', null, [[3, '']]],
    ['rewrite edns0 nsid replace', null, null],
    ['rewrite edns0 local append 0xffee new', [[LOCAL, 'aa']], [[LOCAL, 'aa']]],
    ['rewrite edns0 nsid set', [[3, 'cafe']], [[3, '']]],
    ['rewrite edns0 subnet set 24 56', null, [[8, '00011800' + '0af000']]],
    ['rewrite edns0 subnet set 32 56', null, [[8, '00012000' + '0af00001']]],
    ['rewrite edns0 subnet set 0 56', null, [[8, '00010000']]],
    ['rewrite edns0 subnet set 23 56', null, [[8, '00011700' + '0af000']]],
    ['rewrite edns0 subnet append 24 56', [[8, '00012000' + '0a000001']], [[8, '00012000' + '0a000001']]],
    ['rewrite edns0 subnet replace 24 56', [[8, '00012000' + '0a000001']], [[8, '00011800' + '0af000']]],
  ];
  for (const [rule, from, want] of cases) {
    await t.test(`${rule} on ${JSON.stringify(from)}`, async () => {
      assert.deepEqual((await run(rule, from)).seen, want);
    });
  }
  await t.test('IPv6 clients', async () => {
    assert.deepEqual((await run('rewrite edns0 subnet set 24 56', null, { remote: CLIENT6 })).seen, [[8, '00023800' + 'fe800000000000']]);
    assert.deepEqual((await run('rewrite edns0 subnet set 24 128', null, { remote: CLIENT6 })).seen, [[8, '00028000' + 'fe80000000000000004200fffeca4c65']]);
    assert.deepEqual((await run('rewrite edns0 subnet set 24 0', null, { remote: CLIENT6 })).seen, [[8, '00020000']]);
    // An IPv4 client as a dual-stack socket sees it is an IPv4 client (Go's To4).
    assert.deepEqual((await run('rewrite edns0 subnet set 24 56', null, { remote: { address: '::ffff:10.240.0.1', port: 53, family: 6 } })).seen, [[8, '00011800' + '0af000']]);
  });
});

test('edns0 local variables (CoreDNS TestRewriteEDNS0LocalVariable)', async (t) => {
  const cases: [string, Opts][] = [
    ['{qname}', [[LOCAL, ascii('example.com.')]]],
    ['{qtype}', [[LOCAL, '0001']]],
    ['{client_ip}', [[LOCAL, '0af00001']]],
    ['{client_port}', [[LOCAL, '9d14']]],
    ['{protocol}', [[LOCAL, ascii('udp')]]],
    ['{server_port}', [[LOCAL, '0035']]],
    ['{server_ip}', [[LOCAL, '7f000001']]],
  ];
  for (const [variable, want] of cases) {
    await t.test(variable, async () => assert.deepEqual((await run(`rewrite edns0 local set 0xffee ${variable}`, null)).seen, want));
  }
  await t.test('{protocol} over TCP, {client_ip} of an IPv6 client', async () => {
    assert.deepEqual((await run('rewrite edns0 local set 0xffee {protocol}', null, { transport: 'tcp' })).seen, [[LOCAL, ascii('tcp')]]);
    assert.deepEqual((await run('rewrite edns0 local set 0xffee {client_ip}', null, { remote: CLIENT6 })).seen, [[LOCAL, 'fe80000000000000004200fffeca4c65']]);
  });
  await t.test('{qname} after a name rule is the new name', async () => {
    assert.deepEqual((await run('rewrite continue name example.com example.org\nrewrite edns0 local set 0xffee {qname}', null)).seen, [[LOCAL, ascii('example.org.')]]);
  });
  await t.test('{server_ip} on a listener for all addresses has no value: the rule does not apply', async () => {
    const { next, seen } = mirror();
    const req = ask('example.com.', QType.A);
    req.server = 'dns://:53';
    await serve(rewriteOf('rewrite edns0 local set 0xffee {server_ip}'), req, next);
    assert.equal(seen[0], req);
  });
});

test('several edns0 rules, with and without revert (CoreDNS TestEdns0MultiRule)', async (t) => {
  const foobar: Opts = [[LOCAL, ascii('foobar')]];
  const ecs0: Opts = [[8, '00010000']];
  const cases: [string, Opts | null, Opts][] = [
    ['local replace 0xffee abcdef\nlocal set 0xffee fedcba', null, [[LOCAL, ascii('fedcba')]]],
    ['local replace 0xffee abcdef\nlocal set 0xffee fedcba', foobar, [[LOCAL, ascii('abcdef')]]],
    ['local replace 0xffee abcdef revert\nlocal set 0xffee fedcba revert', null, []],
    ['local replace 0xffee abcdef revert\nlocal set 0xffee fedcba revert', foobar, foobar],
    ['local replace 0xffee {qname}\nlocal set 0xffee {qtype}', null, [[LOCAL, '0001']]],
    ['local replace 0xffee {qname}\nlocal set 0xffee {qtype}', foobar, [[LOCAL, ascii('example.com.')]]],
    ['local replace 0xffee {qname} revert\nlocal set 0xffee {qtype} revert', null, []],
    ['local replace 0xffee {qname} revert\nlocal set 0xffee {qtype} revert', foobar, foobar],
    ['nsid replace\nnsid set', null, [[3, '']]],
    ['nsid replace\nnsid set', foobar, [...foobar, [3, '']]],
    ['nsid replace\nnsid set', [[3, '']], [[3, '']]],
    ['nsid replace revert\nnsid set revert', null, []],
    ['nsid replace revert\nnsid set revert', foobar, foobar],
    ['nsid replace revert\nnsid set revert', [[3, '']], [[3, '']]],
    ['subnet replace 32 56\nsubnet set 0 56', null, ecs0],
    ['subnet replace 32 56\nsubnet set 0 56', ecs0, [[8, '00012000' + '0af00001']]],
    ['subnet replace 32 56 revert\nsubnet set 0 56 revert', null, []],
    ['subnet replace 32 56 revert\nsubnet set 0 56 revert', ecs0, ecs0],
  ];
  for (const [rules, from, want] of cases) {
    await t.test(`${rules.replace('\n', '; ')} on ${JSON.stringify(from)}`, async () => {
      const text = rules.split('\n').map((r) => `rewrite stop edns0 ${r}`).join('\n');
      assert.deepEqual((await run(text, from)).client, want);
    });
  }
});

test('revert gives the client back what it sent; unset removes (CoreDNS TestRewriteEDNS0Revert, TestRewriteEDNS0Unset)', async (t) => {
  const cases: [string, Opts | null, Opts | null][] = [
    ['local set 0xffee 0xabcdef revert', [], []],
    ['local append 0xffee abcdefghijklmnop revert', [], []],
    ['local replace 0xffee abcdefghijklmnop revert', [], []],
    ['nsid set revert', [], []],
    ['nsid append revert', [], []],
    ['local set 0xffee 0xabcd revert', [[0xffed, 'abcdef']], [[0xffed, 'abcdef']]],
    ['local replace 0xffee abcdefghijklmnop', [[0xffef, 'abcdef']], [[0xffef, 'abcdef']]],
    ['local set 0xffee 0x222222 revert', [[LOCAL, '111111']], [[LOCAL, '111111']]],
    ['local unset 0xffee', [], []],
    ['local unset 0xffee', [[LOCAL, 'abcdef']], []],
    ['local unset 0xffed', [[LOCAL, 'abcdef']], [[LOCAL, 'abcdef']]],
    ['local unset 0xffee', [[LOCAL, 'ab'], [3, ''], [LOCAL, 'cd']], [[3, '']]],
    ['nsid unset', [[3, '']], []],
    ['nsid unset', [], []],
    ['subnet unset', [[8, '00010000']], []],
    ['subnet unset', [], []],
    ['nsid unset', [[LOCAL, ascii('foobar')], [3, '']], [[LOCAL, ascii('foobar')]]],
    ['local unset 0xffee', [[LOCAL, ascii('foobar')], [3, '']], [[3, '']]],
    ['subnet unset', [[LOCAL, ascii('foobar')], [3, '']], [[LOCAL, ascii('foobar')], [3, '']]],
    // unset on a query without an OPT leaves it without one.
    ['local unset 0xffee', null, null],
  ];
  for (const [rule, from, want] of cases) {
    await t.test(`${rule} on ${JSON.stringify(from)}`, async () => {
      assert.deepEqual((await run(`rewrite edns0 ${rule}`, from)).client, want);
    });
  }
});

test('a reply whose OPT has no options shows the rewritten local and nsid options, minus what revert takes back (CoreDNS #8234)', async (t) => {
  const cases: [string, Opts | null, Opts][] = [
    // The README's examples.
    ['rewrite edns0 local set 0xffee 0x61626364', [], [[LOCAL, ascii('abcd')]]],
    ['rewrite edns0 local set 0xffee abcd revert', [], []],
    ['rewrite continue edns0 local set 0xffee abcd\nrewrite edns0 local replace 0xffee bcde revert', [], [[LOCAL, ascii('abcd')]]],
    // TestEdns0LocalSetRevertNoLeak and ...RestoresPreexisting
    ['rewrite edns0 local set 0xffee 0xabcdef revert', [], []],
    ['rewrite edns0 local set 0xffee 0xabcdef revert', [[LOCAL, '111111']], [[LOCAL, '111111']]],
    ['rewrite edns0 nsid set', [], [[3, '']]],
    // The subnet is not echoed (CoreDNS's server does not support it), nor a client option no rule touched.
    ['rewrite edns0 subnet set 24 56', [[0xfff0, '01']], []],
    // A client without EDNS0 gets an OPT from the server, which strips it again (see server.test.ts).
    ['rewrite edns0 local set 0xffee 0xabcdef revert', null, []],
  ];
  for (const [rules, from, want] of cases) {
    await t.test(`${rules.replace('\n', '; ')} on ${JSON.stringify(from)}`, async () => {
      const { client } = await run(rules, from, { next: 'reply' });
      assert.deepEqual(client, want);
    });
  }
});
