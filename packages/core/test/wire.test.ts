import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { beginReply, buildQuery, decrementTtls, errorReply, fitReply, minTtl, parseRequest, Rcode, reply, Request, stampReply, truncate } from '../src/index.js';
import { makeRequest } from '../src/testing/index.js';

const remote = { address: '127.0.0.1', port: 1, family: 4 as const };

function header(bytes: number[]): Buffer {
  return Buffer.from(bytes);
}

test('parseRequest reads the question, EDNS0 and flags from the bytes', () => {
  const msg = buildQuery('WwW.Example.ORG', 28, { id: 0x1234, edns: { udpSize: 1232, do: true } });
  const req = parseRequest(msg, 'udp', remote);
  assert.ok(req instanceof Request);
  assert.equal(req.id, 0x1234);
  assert.equal(req.qname, 'www.example.org.');
  assert.equal(req.qnameRaw, 'WwW.Example.ORG.');
  assert.equal(req.qtype, 28);
  assert.equal(req.qtypeName, 'AAAA');
  assert.equal(req.qclass, 1);
  assert.deepEqual(req.edns, { udpSize: 1232, version: 0, do: true });
  assert.equal(req.rd, true);
  assert.equal(req.maxSize, 1232);
  assert.equal(req.decode().questions?.[0]?.name, 'WwW.Example.ORG');
});

test('parseRequest refuses what it must', async (t) => {
  const q = buildQuery('example.org', 1, { id: 7 });
  const twoQuestions = Buffer.from(q);
  twoQuestions.writeUInt16BE(2, 4);
  const response = Buffer.from(q);
  response[2] = response[2]! | 0x80;
  const update = Buffer.from(q);
  update[2] = (update[2]! & 0x87) | (5 << 3);
  const badvers = buildQuery('example.org', 1, { edns: { udpSize: 4096 } });
  badvers[badvers.length - 5] = 1; // OPT version
  const twoOpts = Buffer.concat([buildQuery('example.org', 1, { edns: { udpSize: 512 } }), Buffer.from([0, 0, 41, 2, 0, 0, 0, 0, 0, 0, 0])]);
  twoOpts.writeUInt16BE(2, 10);
  const pointerInQuestion = Buffer.concat([q.subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
  const cases: { name: string; msg: Buffer; drop?: boolean; rcode?: number }[] = [
    { name: 'shorter than a header', msg: header([1, 2, 3]), drop: true },
    { name: 'a response (QR=1)', msg: response, drop: true },
    { name: 'QDCOUNT 2', msg: twoQuestions, rcode: Rcode.FORMERR },
    { name: 'QDCOUNT 0', msg: header([0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), rcode: Rcode.FORMERR },
    { name: 'a truncated question', msg: q.subarray(0, q.length - 2), rcode: Rcode.FORMERR },
    { name: 'a pointer in the question', msg: pointerInQuestion, rcode: Rcode.FORMERR },
    { name: 'opcode UPDATE', msg: update, rcode: Rcode.NOTIMP },
    { name: 'EDNS version 1', msg: badvers, rcode: Rcode.BADVERS },
    { name: 'two OPT records', msg: twoOpts, rcode: Rcode.FORMERR },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = parseRequest(c.msg, 'udp', remote);
      assert.ok(!(got instanceof Request));
      if (c.drop) assert.equal(got.drop, true);
      else assert.deepEqual({ drop: got.drop, rcode: got.rcode }, { drop: false, rcode: c.rcode });
    });
  }
});

test('parseRequest takes a NOTIFY with its SOA in the answer section (BIND sends one), as miekg/dns does', () => {
  const q = buildQuery('example.org', 6, { id: 9 });
  q[2] = (4 << 3) | 0x04; // NOTIFY, AA
  // example.org. SOA at the question's name: . . 7 0 0 0 0
  const soa = Buffer.from([0xc0, 12, 0, 6, 0, 1, 0, 0, 0, 60, 0, 22, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const msg = Buffer.concat([q, soa]);
  msg.writeUInt16BE(1, 6);
  const req = parseRequest(msg, 'udp', remote);
  assert.ok(req instanceof Request);
  assert.equal(req.opcode, 4);
  assert.equal(req.qname, 'example.org.');
  assert.equal(req.qtype, 6);
});

test('errorReply echoes ID, question and OPT; BADVERS goes into the OPT', () => {
  const q = buildQuery('example.org', 1, { id: 0xbeef, edns: { udpSize: 4096 } });
  const parsed = parseRequest(q, 'udp', remote) as Request;
  const out = dnsPacket.decode(errorReply(q, parsed.questionEnd, Rcode.BADVERS, parsed.edns));
  assert.equal(out.id, 0xbeef);
  assert.equal(out.type, 'response');
  assert.equal(out.questions?.[0]?.name, 'example.org');
  const opt = out.additionals?.find((a) => a.type === 'OPT') as { extendedRcode: number } | undefined;
  assert.equal(opt?.extendedRcode, 1);
  assert.equal((out.flags ?? 0) & 0xf, 0);
});

test('reply() sets the rcode in flags and mirrors the OPT', () => {
  const req = makeRequest('Example.org', 'A', { edns: { udpSize: 1400, do: true } });
  const out = dnsPacket.decode(reply(req, { rcode: Rcode.NXDOMAIN, authoritative: true }));
  assert.equal((out.flags ?? 0) & 0xf, Rcode.NXDOMAIN);
  assert.equal(out.flag_aa, true);
  assert.equal(out.questions?.[0]?.name, 'Example.org');
  const opt = out.additionals?.[0] as { udpPayloadSize: number; flag_do: boolean };
  assert.deepEqual([opt.udpPayloadSize, opt.flag_do], [1400, true]);
});

function bigAnswer(req: Request, count: number): Buffer {
  const answers = Array.from({ length: count }, (_, i) => ({ name: 'example.org', type: 'A' as const, ttl: 300, data: `10.0.${i >> 8}.${i & 255}` }));
  const additionals = [{ name: 'glue.example.org', type: 'A' as const, ttl: 300, data: '10.9.9.9' }];
  return reply(req, { answers, additionals });
}

test('fitReply truncates UDP replies to 512 bytes, whole RRsets, with TC', () => {
  const req = makeRequest('example.org', 'A');
  const fitted = fitReply(req, bigAnswer(req, 40));
  assert.ok(fitted.length <= 512);
  const out = dnsPacket.decode(fitted);
  assert.equal(out.flag_tc, true);
  // One RRset of 40 A records does not fit whole, so none of it is kept.
  assert.equal(out.answers?.length, 0);
});

test('fitReply keeps what fits in the EDNS size, drops additional only without TC', () => {
  const req = makeRequest('example.org', 'A', { edns: { udpSize: 700 } });
  // dns-packet does not compress: 29 bytes of header and question, 27 per A, 32 of glue, 11 of OPT.
  const msg = bigAnswer(req, 24);
  assert.ok(msg.length > 700);
  const out = dnsPacket.decode(fitReply(req, msg));
  assert.equal(out.answers?.length, 24);
  assert.equal(out.flag_tc, false);
  assert.deepEqual(out.additionals?.map((a) => a.type), ['OPT']);
});

test('fitReply adds an OPT when the query had one, strips it when not, patches the ID', () => {
  const withEdns = makeRequest('example.org', 'A', { edns: { udpSize: 1232 }, id: 99 });
  const plain = makeRequest('example.org', 'A', { id: 100 });
  const noOpt = reply(plain, { answers: [{ name: 'example.org', type: 'A', ttl: 1, data: '1.2.3.4' }] });
  const a = dnsPacket.decode(fitReply(withEdns, Buffer.from(noOpt)));
  assert.equal(a.id, 99);
  assert.deepEqual(a.additionals?.map((r) => r.type), ['OPT']);
  const withOpt = reply(withEdns, { answers: [{ name: 'example.org', type: 'A', ttl: 1, data: '1.2.3.4' }] });
  const b = dnsPacket.decode(fitReply(plain, Buffer.from(withOpt)));
  assert.equal(b.id, 100);
  assert.deepEqual(b.additionals, []);
  assert.equal(b.answers?.length, 1);
});

test('fitReply turns a malformed reply into SERVFAIL', () => {
  const req = makeRequest('example.org', 'A', { edns: { udpSize: 1232 } });
  const good = reply(req, { answers: [{ name: 'example.org', type: 'A', ttl: 1, data: '1.2.3.4' }] });
  const broken = good.subarray(0, good.length - 3);
  assert.equal(fitReply(req, Buffer.from(broken))[3]! & 0xf, Rcode.SERVFAIL);
});

test('truncate never cuts below the header and question', () => {
  const req = makeRequest('example.org', 'A');
  const out = truncate(bigAnswer(req, 3), 12, null);
  assert.equal(dnsPacket.decode(out).flag_tc, true);
});

test('decrementTtls lowers every TTL but the OPT, not below zero; minTtl reads them', () => {
  const req = makeRequest('example.org', 'A', { edns: { udpSize: 1232, do: true } });
  const msg = reply(req, {
    answers: [
      { name: 'example.org', type: 'A', ttl: 300, data: '1.1.1.1' },
      { name: 'example.org', type: 'A', ttl: 5, data: '1.1.1.2' },
    ],
    authorities: [{ name: 'example.org', type: 'NS', ttl: 100, data: 'ns.example.org' }],
  });
  assert.equal(minTtl(msg), 5);
  assert.equal(minTtl(msg, { authority: true }), 100);
  assert.ok(decrementTtls(msg, 10));
  const out = dnsPacket.decode(msg);
  assert.deepEqual(out.answers?.map((a) => (a as { ttl: number }).ttl), [290, 0]);
  assert.equal((out.authorities?.[0] as { ttl: number }).ttl, 90);
  assert.equal((out.additionals?.[0] as { flag_do: boolean }).flag_do, true);
});

test('question names with special bytes come out escaped, as presentation form writes them', async (t) => {
  const cases: { labels: number[][]; want: string }[] = [
    { labels: [[0x61, 0x2e, 0x62], [0x6f, 0x72, 0x67]], want: 'a\\.b.org.' },
    { labels: [[0x61, 0x20, 0x00]], want: 'a\\032\\000.' },
    { labels: [[0x5c, 0x41]], want: '\\\\A.' },
    { labels: [], want: '.' },
  ];
  for (const c of cases) {
    await t.test(c.want, () => {
      const name = Buffer.from([...c.labels.flatMap((l) => [l.length, ...l]), 0]);
      const msg = Buffer.concat([Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), name, Buffer.from([0, 1, 0, 1])]);
      const req = parseRequest(msg, 'udp', remote);
      assert.ok(req instanceof Request);
      assert.equal(req.qnameRaw, c.want);
      assert.equal(req.qname, c.want.replace(/A/g, 'a'));
    });
  }
});

test('deriveRequest: a new view of rewritten bytes for the same client and block', async () => {
  const { deriveRequest, buildQuery: build, parseRequest: parse, Request: Req } = await import('../src/wire/index.js');
  const remote = { address: '127.0.0.1', port: 5300, family: 4 as const };
  const req = parse(build('Example.org', 1, { id: 7, edns: { udpSize: 4096 } }), 'udp', remote);
  assert.ok(req instanceof Req);
  req.zone = 'org.';
  req.server = 'dns://:53';
  const other = deriveRequest(req, build('www.example.net', 28, { id: 7 }), 'tcp');
  assert.deepEqual([other.qname, other.qtype, other.transport, other.zone, other.server, other.remote, other.edns], ['www.example.net.', 28, 'tcp', 'org.', 'dns://:53', remote, null]);
  assert.equal(deriveRequest(req).qnameRaw, 'Example.org.');
  assert.throws(() => deriveRequest(req, Buffer.alloc(5)), /does not parse/);
});

test('reply echoes the question class as asked (CH, HS, NONE, ANY), or the client drops it', async () => {
  const { buildQuery: build, parseRequest: parse, Request: Req, reply: answer } = await import('../src/wire/index.js');
  for (const qclass of [3, 4, 254, 255]) {
    const msg = build('version.bind', 16, { id: 9 });
    msg.writeUInt16BE(qclass, msg.length - 2);
    const req = parse(msg, 'udp', { address: '127.0.0.1', port: 5300, family: 4 });
    assert.ok(req instanceof Req);
    const out = answer(req, { rcode: 5 });
    assert.deepEqual(out.subarray(12, req.questionEnd), msg.subarray(12, req.questionEnd), `class ${qclass}`);
  }
});

test('beginReply writes the message reply() encodes (authoritative), from the bytes, with the counts and room for records', () => {
  for (const edns of [undefined, { udpSize: 1232, do: true }]) {
    for (const [rd, cd] of [[false, false], [true, true]] as const) {
      const msg = buildQuery('Example.ORG', 28, edns ? { edns } : {});
      msg[2] = rd ? msg[2]! | 0x01 : msg[2]! & ~0x01;
      msg[3] = cd ? msg[3]! | 0x10 : msg[3]! & ~0x10;
      const req = parseRequest(msg, 'udp', remote) as Request;
      const label = `edns ${edns !== undefined}, rd ${rd}, cd ${cd}`;
      for (const rcode of [Rcode.NOERROR, Rcode.NXDOMAIN]) assert.deepEqual(beginReply(req, rcode, 0, 0, 0), reply(req, { rcode, authoritative: true }), label);
      const out = beginReply(req, Rcode.NOERROR, 2, 1, 40, true);
      assert.equal(out.length, req.questionEnd + 40 + (edns ? 11 : 0), label);
      assert.deepEqual([out.readUInt16BE(4), out.readUInt16BE(6), out.readUInt16BE(8), out.readUInt16BE(10)], [1, 2, 1, edns ? 1 : 0], label);
      assert.equal(out[2]! & 0x02, 0x02, `${label}: TC`);
    }
  }
});

test("stampReply makes a kept reply the asker's: its ID, RD and CD, the built AA, TC and rcode, and its OPT", () => {
  // Kept from one asking (ID 1, no RD, no OPT): NXDOMAIN, authoritative, truncated.
  const first = parseRequest(buildQuery('kept.example.org', 1, { id: 1 }), 'udp', remote) as Request;
  const kept = reply(first, { rcode: Rcode.NXDOMAIN });
  kept[2] = (kept[2]! & ~0x01) | 0x06;
  const asks = [
    { id: 0xbeef, rd: true, cd: true, edns: { udpSize: 1232, do: true } },
    { id: 7, rd: false, cd: false, edns: undefined },
  ];
  for (const ask of asks) {
    const q = buildQuery('kept.example.org', 1, { id: ask.id, ...(ask.edns ? { edns: ask.edns } : {}) });
    q[2] = (q[2]! & ~0x01) | (ask.rd ? 0x01 : 0);
    q[3] = ask.cd ? 0x10 : 0;
    const req = parseRequest(q, 'udp', remote) as Request;
    const out = Buffer.alloc(kept.length + (ask.edns ? 11 : 0));
    kept.copy(out);
    stampReply(out, kept.length, req);
    assert.equal(out.readUInt16BE(0), ask.id);
    assert.equal(out[2], 0x80 | 0x04 | 0x02 | (ask.rd ? 0x01 : 0), 'QR, AA and TC as built, RD as asked');
    assert.equal(out[3], (ask.cd ? 0x10 : 0) | Rcode.NXDOMAIN, 'CD as asked, the rcode as built');
    const decoded = dnsPacket.decode(out);
    const opt = decoded.additionals?.find((r) => r.type === 'OPT') as { udpPayloadSize?: number; flags?: number } | undefined;
    if (ask.edns) {
      assert.equal(out.readUInt16BE(10), 1);
      assert.equal(opt?.udpPayloadSize, 1232);
      assert.equal(opt?.flags, 0x8000, 'DO');
    } else assert.equal(opt, undefined);
  }
});
