import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { QType } from '@chaindns/core';
import { present, rr } from '@chaindns/core/testing';
import { parseSubnet, Shuffler, type Subnet } from '../src/index.js';
import { ipv4, MessageBuilder, mx, seeded } from './wire.js';

const A = QType.A;
const MX = QType.MX;

function encode(answers: string[], options: { additionals?: string[]; authorities?: string[]; rcode?: number; qtype?: dnsPacket.RecordType } = {}): Buffer {
  return dnsPacket.encode({
    id: 7,
    type: 'response',
    flags: 0x8180 | (options.rcode ?? 0),
    questions: [{ name: 'example.org', type: options.qtype ?? 'A', class: 'IN' }],
    answers: answers.map(rr),
    authorities: (options.authorities ?? []).map(rr),
    additionals: (options.additionals ?? []).map(rr),
  });
}

const section = (msg: Buffer, name: 'answers' | 'authorities' | 'additionals'): string[] => (dnsPacket.decode(msg)[name] ?? []).map((a) => present(a));

/** Shuffles copies of `msg` `n` times; returns each result's presentation of a section, and checks every result decodes to the same sets. */
function orders(msg: Buffer, n: number, options: { prefer?: Subnet[]; seed?: number; part?: 'answers' | 'authorities' | 'additionals' } = {}): string[][] {
  const shuffler = new Shuffler(options.prefer, seeded(options.seed ?? 1));
  const part = options.part ?? 'answers';
  const want = Object.fromEntries((['answers', 'authorities', 'additionals'] as const).map((s) => [s, section(msg, s).sort()]));
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    const copy = Buffer.from(msg);
    shuffler.shuffle(copy);
    assert.equal(copy.length, msg.length);
    assert.deepEqual(copy.subarray(0, 12), msg.subarray(0, 12), 'the header is untouched');
    for (const s of ['answers', 'authorities', 'additionals'] as const) assert.deepEqual(section(copy, s).sort(), want[s], `the ${s} hold the same records`);
    out.push(section(copy, part));
  }
  return out;
}

const distinct = (list: string[][]): number => new Set(list.map((o) => o.join('|'))).size;

test('A and AAAA RRsets come back in every order, uniformly', () => {
  const four = ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'].map((ip) => `example.org. 300 IN A ${ip}`);
  const got = orders(encode(four), 2400);
  assert.equal(distinct(got), 24, 'all 24 orders of 4 records appear');
  const firsts = new Map<string, number>();
  for (const o of got) firsts.set(o[0]!, (firsts.get(o[0]!) ?? 0) + 1);
  for (const [first, count] of firsts) assert.ok(count > 480 && count < 720, `${first} is first ${count}/2400 times`);

  const six = ['2001:db8::1', '2001:db8::2', 'fd00::3'].map((ip) => `example.org. 300 IN AAAA ${ip}`);
  assert.equal(distinct(orders(encode(six, { qtype: 'AAAA' }), 300)), 6);

  // Larger than the scratch arrays start with.
  const forty = Array.from({ length: 40 }, (_, i) => `example.org. 300 IN A 10.0.0.${i}`);
  assert.equal(distinct(orders(encode(forty), 20)), 20);
});

test('two records swap about half the time; one record and other types stay put', () => {
  const two = orders(encode(['example.org. 300 IN A 10.0.0.1', 'example.org. 300 IN A 10.0.0.2']), 1000);
  const swapped = two.filter((o) => o[0]!.endsWith('10.0.0.2')).length;
  assert.ok(swapped > 400 && swapped < 600, `swapped ${swapped}/1000`);
  const others = encode(['example.org. 300 IN A 10.0.0.1', 'example.org. 300 IN TXT "a"', 'example.org. 300 IN TXT "b"', 'example.org. 300 IN SRV 0 0 53 a.example.org.', 'example.org. 300 IN SRV 0 0 53 b.example.org.']);
  const copy = Buffer.from(others);
  for (let i = 0; i < 20; i++) new Shuffler(undefined, seeded(i)).shuffle(copy);
  assert.deepEqual(copy, others);
});

test('records keep their owner: A records of two names never trade addresses, CNAMEs stay first', () => {
  const msg = encode([
    'example.org. 300 IN CNAME web.example.org.',
    'web.example.org. 300 IN A 10.0.0.1',
    'web.example.org. 300 IN A 10.0.0.2',
    'web.example.org. 300 IN A 10.0.0.3',
    'other.example.org. 300 IN A 10.9.0.1',
    'other.example.org. 300 IN A 10.9.0.2',
  ]);
  const got = orders(msg, 300);
  for (const o of got) {
    assert.equal(o[0], 'example.org. 300 IN CNAME web.example.org.');
    assert.ok(o.slice(1, 4).every((r) => r.startsWith('web.example.org. 300 IN A 10.0.0.')), o.join(', '));
    assert.ok(o.slice(4).every((r) => r.startsWith('other.example.org. 300 IN A 10.9.0.')), o.join(', '));
  }
  assert.equal(distinct(got.map((o) => o.slice(1, 4))), 6);
  assert.equal(distinct(got.map((o) => o.slice(4))), 2);
});

test('owner names compare without case and through compression pointers', () => {
  const b = new MessageBuilder();
  const q = b.question('Example.ORG', A);
  b.record(1, q, A, ipv4('10.0.0.1'));
  b.record(1, 'example.org', A, ipv4('10.0.0.2'));
  const full = b.record(1, 'EXAMPLE.org', A, ipv4('10.0.0.3'));
  b.record(1, full, A, ipv4('10.0.0.4'));
  b.record(1, 'www.+' + q, A, ipv4('10.0.0.5'));
  const got = orders(b.build(), 600);
  assert.equal(distinct(got.map((o) => o.slice(0, 4).map((r) => r.split(' ').at(-1)!))), 24);
  for (const o of got) assert.equal(o[4], 'www.example.org. 300 IN A 10.0.0.5');
});

test('every section is shuffled, as CoreDNS does; the OPT record is left alone', () => {
  const glue = ['ns.example.org. 300 IN A 10.1.0.1', 'ns.example.org. 300 IN A 10.1.0.2', 'ns.example.org. 300 IN A 10.1.0.3'];
  const msg = dnsPacket.encode({
    type: 'response',
    id: 1,
    flags: 0x8180,
    questions: [{ name: 'example.org', type: 'NS', class: 'IN' }],
    answers: [rr('example.org. 300 IN NS ns.example.org.')],
    additionals: [...glue.map(rr), { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options: [] } as unknown as dnsPacket.Answer],
  });
  const got = orders(msg, 200, { part: 'additionals' });
  assert.equal(distinct(got.map((o) => o.slice(0, 3))), 6);
  assert.ok(got.every((o) => o[3]!.includes('OPT')));
});

test('non-NOERROR replies, MX with one record, and malformed bytes are left as they are', () => {
  const nx = encode(['example.org. 300 IN A 10.0.0.1', 'example.org. 300 IN A 10.0.0.2'], { rcode: 3 });
  const copy = Buffer.from(nx);
  for (let i = 0; i < 10; i++) new Shuffler(undefined, seeded(i)).shuffle(copy);
  assert.deepEqual(copy, nx);

  const ok = encode(['example.org. 300 IN A 10.0.0.1', 'example.org. 300 IN A 10.0.0.2', 'example.org. 300 IN A 10.0.0.3']);
  const shuffler = new Shuffler(undefined, seeded(3));
  for (let cut = 0; cut < ok.length; cut++) {
    const truncated = Buffer.from(ok.subarray(0, cut));
    assert.doesNotThrow(() => shuffler.shuffle(truncated));
  }
  // A record whose RDLENGTH is not 4 is not an address to move.
  const b = new MessageBuilder();
  const q = b.question('example.org', A);
  b.record(1, q, A, Buffer.from([10, 0, 0, 1, 9]));
  b.record(1, q, A, ipv4('10.0.0.2'));
  const odd = b.build();
  const oddCopy = Buffer.from(odd);
  for (let i = 0; i < 10; i++) new Shuffler(undefined, seeded(i)).shuffle(oddCopy);
  assert.deepEqual(oddCopy, odd);
});

test('MX records move as whole records when nothing points into them', () => {
  // dns-packet writes every name in full: no pointer at all.
  const plain = encode(['example.org. 300 IN MX 10 mx1.example.org.', 'example.org. 300 IN MX 20 mail.example.net.', 'example.org. 300 IN MX 30 m.example.com.'], { qtype: 'MX' });
  assert.equal(distinct(orders(plain, 300)), 6);

  // Owners point at the question, exchanges at the question's suffix: pointers out of the MX records only.
  const b = new MessageBuilder();
  const q = b.question('example.org', MX);
  b.record(1, q, MX, mx(10, 'mx1.+' + q));
  b.record(1, q, MX, mx(20, 'backup-mail.+' + q));
  b.record(1, q, MX, mx(30, 'mx.example.net'));
  b.record(3, 'mx.example.net', A, ipv4('10.3.0.1'));
  assert.equal(distinct(orders(b.build(), 300)), 6);
});

test('MX order is kept when a compression pointer points into the MX records', () => {
  // The classic: glue in the additional section points at an exchange name.
  const b = new MessageBuilder();
  const q = b.question('example.org', MX);
  const first = b.record(1, q, MX, mx(10, 'mx1.+' + q));
  b.record(1, q, MX, mx(20, 'mx2.+' + q));
  b.record(3, first + 12 + 2, A, ipv4('10.3.0.1'));
  const glue = b.build();

  // A later MX's exchange points into an earlier one's.
  const c = new MessageBuilder();
  const q2 = c.question('example.org', MX);
  const one = c.record(1, q2, MX, mx(10, 'mx.+' + q2));
  c.record(1, q2, MX, mx(20, 'backup.+' + (one + 12 + 2)));
  const inner = c.build();

  // An owner written in full, then pointed at by the next MX's owner.
  const d = new MessageBuilder();
  d.question('example.org', MX);
  const owner = d.record(1, 'example.org', MX, mx(10, 'mx1.example.org'));
  d.record(1, owner, MX, mx(20, 'mx2.example.org'));
  const owners = d.build();

  for (const msg of [glue, inner, owners]) {
    const copy = Buffer.from(msg);
    const shuffler = new Shuffler(undefined, seeded(9));
    for (let i = 0; i < 50; i++) shuffler.shuffle(copy);
    assert.deepEqual(copy, msg);
    assert.ok(dnsPacket.decode(copy).answers!.length === 2);
  }
});

test('A records still shuffle in a message whose MX records must stay', () => {
  const b = new MessageBuilder();
  const q = b.question('example.org', QType.ANY);
  const first = b.record(1, q, MX, mx(10, 'mx1.+' + q));
  b.record(1, q, MX, mx(20, 'mx2.+' + q));
  b.record(1, q, A, ipv4('10.0.0.1'));
  b.record(1, q, A, ipv4('10.0.0.2'));
  b.record(3, first + 14, A, ipv4('10.3.0.1'));
  const got = orders(b.build(), 100);
  assert.ok(got.every((o) => o[0]!.includes('MX 10 mx1.') && o[1]!.includes('MX 20 mx2.')));
  assert.equal(distinct(got.map((o) => o.slice(2))), 2);
});

test('prefer puts addresses in the given subnets first, in the subnets order, in answers and additionals', () => {
  const prefer = ['10.2.0.0/16', '192.168.0.0/24', 'fd00::/8'].map((s) => parseSubnet(s)!);
  const msg = encode(
    ['example.org. 300 IN A 10.1.0.1', 'example.org. 300 IN A 192.168.0.7', 'example.org. 300 IN A 10.1.0.2', 'example.org. 300 IN A 10.2.3.4', 'example.org. 300 IN A 10.1.0.3'],
    { authorities: ['ns.example.org. 300 IN A 10.1.0.1', 'ns.example.org. 300 IN A 10.2.0.1'], additionals: ['x.example.org. 300 IN AAAA 2001:db8::1', 'x.example.org. 300 IN AAAA fd00::1'] },
  );
  const got = orders(msg, 200, { prefer });
  for (const o of got) assert.deepEqual(o.slice(0, 2), ['example.org. 300 IN A 10.2.3.4', 'example.org. 300 IN A 192.168.0.7']);
  assert.equal(distinct(got.map((o) => o.slice(2))), 6, 'the others are still shuffled');
  const extra = orders(msg, 50, { prefer, part: 'additionals' });
  assert.ok(extra.every((o) => o[0] === 'x.example.org. 300 IN AAAA fd00::1'));
  const authority = orders(msg, 200, { prefer, part: 'authorities' });
  assert.equal(distinct(authority), 2, 'the authority section is only shuffled');
});

test('parseSubnet takes CIDRs only', () => {
  const cases: [string, boolean][] = [
    ['10.0.0.0/8', true],
    ['10.0.0.1/32', true],
    ['::/0', true],
    ['2001:db8::/32', true],
    ['::ffff:10.0.0.0/104', true],
    ['10.0.0.0', false],
    ['10.0.0.0/33', false],
    ['fd00::/129', false],
    ['example.org/8', false],
    ['10.0.0.0/x', false],
  ];
  for (const [text, ok] of cases) assert.equal(parseSubnet(text) !== null, ok, text);
  const v6 = parseSubnet('::ffff:10.0.0.0/104')!;
  assert.deepEqual([...v6.bytes], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 0]);
});
