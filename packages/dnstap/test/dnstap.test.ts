import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata, type Next, reply } from '@chaindns/core';
import { makeRequest, Recorder } from '@chaindns/core/testing';
import { createDnstap } from '../src/index.js';
import { compileExtra } from '../src/extra.js';
import { type BatchOutput, FrameQueue } from '../src/frame-queue.js';
import { Tap, type TapOptions } from '../src/tap.js';
import { dataFrames, decodeFields, type Fields } from './protobuf-decode.js';

/** An output that takes every batch at once, keeping the bytes. */
class Collect implements BatchOutput {
  ready = true;
  bytes = Buffer.alloc(0);
  write(batch: Buffer): void {
    this.bytes = Buffer.concat([this.bytes, batch]);
  }
}

/** A tap into a queue of `maxMessages` in front of a collecting output; `messages()` flushes and decodes. */
function tapInto(options: Partial<TapOptions> = {}, maxMessages = 100) {
  const out = new Collect();
  const queue = new FrameQueue(out, { maxMessages, flushMs: 1000 });
  const tap = new Tap(queue, { identity: 'id', version: 'ver', extra: null, full: false, ...options });
  const messages = (): Array<{ top: Fields; m: Fields }> => {
    queue.flush();
    return dataFrames(out.bytes).map((frame) => {
      const top = decodeFields(frame);
      return { top, m: decodeFields(top.get(14)![0] as Buffer) };
    });
  };
  return { tap, queue, out, messages };
}

const one = (f: Fields, field: number): number | Buffer | undefined => f.get(field)?.[0];
const answerA: Next = (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 5, data: '192.0.2.1' }] })), 0);

test('a query and its reply: CLIENT_QUERY then CLIENT_RESPONSE, with the client, the times and (full) the wire messages', () => {
  const { tap, messages } = tapInto({ full: true });
  const req = makeRequest('example.org', 'A', { remote: { address: '192.0.2.9', port: 5353, family: 4 }, transport: 'tcp' });
  const w = new Recorder();
  const before = Date.now();
  assert.equal(createDnstap([tap]).serveDNS(req, w, answerA), 0);
  const got = messages();
  assert.equal(got.length, 2);
  const [q, r] = got;
  for (const { top } of got) {
    assert.equal(one(top, 1)!.toString(), 'id');
    assert.equal(one(top, 2)!.toString(), 'ver');
    assert.equal(one(top, 15), 1, 'Dnstap.type MESSAGE');
    assert.equal(top.get(3), undefined, 'no extra');
  }
  assert.deepEqual([one(q!.m, 1), one(r!.m, 1)], [5, 6]);
  for (const { m } of got) {
    assert.equal(one(m, 2), 1, 'INET');
    assert.equal(one(m, 3), 2, 'TCP');
    assert.deepEqual([...(one(m, 4) as Buffer)], [192, 0, 2, 9]);
    assert.equal(one(m, 6), 5353);
    const sec = one(m, 8) as number;
    assert.ok(sec * 1000 >= before - 1000 && sec * 1000 <= Date.now(), `query_time_sec ${sec}`);
    assert.ok((one(m, 9) as number) < 1e9, 'query_time_nsec');
    assert.equal(m.get(5), undefined, 'no response_address for client messages');
  }
  assert.deepEqual(one(q!.m, 10), req.msg);
  assert.equal(q!.m.get(14), undefined);
  assert.deepEqual(one(r!.m, 14), w.msg);
  assert.ok((one(r!.m, 12) as number) * 1e9 + (one(r!.m, 13) as number) >= (one(r!.m, 8) as number) * 1e9 + (one(r!.m, 9) as number), 'response after query');
});

test('without full there are no wire messages; an IPv6 client is INET6, an IPv4-mapped one INET with 4 octets', () => {
  const { tap, messages } = tapInto();
  const handler = createDnstap([tap]);
  handler.serveDNS(makeRequest('a.example', 'A', { remote: { address: '2001:db8::1', port: 1, family: 6 } }), new Recorder(), answerA);
  handler.serveDNS(makeRequest('b.example', 'A', { remote: { address: '::ffff:192.0.2.3', port: 2, family: 6 } }), new Recorder(), answerA);
  const got = messages();
  assert.deepEqual(
    got.map(({ m }) => [one(m, 2), Buffer.from(one(m, 4) as Buffer).toString('hex'), m.has(10) || m.has(14)]),
    [
      [2, '20010db8000000000000000000000001', false],
      [2, '20010db8000000000000000000000001', false],
      [1, 'c0000203', false],
      [1, 'c0000203', false],
    ],
  );
});

test('every write is tapped (a zone transfer writes many); a chain that writes nothing gets only CLIENT_QUERY', async () => {
  const { tap, messages } = tapInto();
  const handler = createDnstap([tap]);
  const twice: Next = (req, w) => (w.write(reply(req)), w.write(reply(req)), 0);
  handler.serveDNS(makeRequest('example.org', 'AXFR', { transport: 'tcp' }), new Recorder(), twice);
  await handler.serveDNS(makeRequest('example.org', 'A'), new Recorder(), () => Promise.resolve(2));
  assert.deepEqual(
    messages().map(({ m }) => one(m, 1)),
    [5, 6, 6, 5],
  );
});

test('a full queue drops and counts messages; the query is answered all the same, at once', () => {
  const { tap, queue, out, messages } = tapInto({ full: true }, 3);
  out.ready = false;
  const handler = createDnstap([tap]);
  for (let i = 0; i < 4; i++) {
    const w = new Recorder();
    assert.equal(handler.serveDNS(makeRequest(`q${i}.example`, 'A'), w, answerA), 0);
    assert.equal(w.writes, 1);
  }
  assert.deepEqual([queue.pending, queue.dropped], [3, 5]);
  assert.equal(messages().length, 0, 'the output takes nothing');
  out.ready = true;
  assert.deepEqual(
    messages().map(({ m }) => `${one(m, 1)}`),
    ['5', '6', '5'],
    'what waited goes out once the output is ready',
  );
  handler.serveDNS(makeRequest('after.example', 'A'), new Recorder(), answerA);
  assert.deepEqual([messages().length, queue.pending, queue.dropped], [5, 0, 5]);
});

test('upstream exchanges: FORWARDER_QUERY, and FORWARDER_RESPONSE when a reply came, to the upstream', () => {
  const { tap, messages } = tapInto({ full: true });
  const req = makeRequest('example.org', 'A');
  const query = Buffer.from(req.msg);
  const answer = reply(req);
  const sentAt = performance.now();
  tap.upstream({ req, query, reply: answer, sentAt, upstream: { address: '2001:db8::53', port: 853, family: 6 }, transport: 'tcp' });
  tap.upstream({ req, query, reply: null, sentAt, upstream: { address: '192.0.2.53', port: 53, family: 4 }, transport: 'udp' });
  const got = messages().map(({ m }) => ({
    type: one(m, 1),
    family: one(m, 2),
    protocol: one(m, 3),
    queryAddress: m.has(4),
    to: `${Buffer.from(one(m, 5) as Buffer).toString('hex')}:${one(m, 7)}`,
    query: m.has(10),
    response: m.has(14),
    responseTime: m.has(12),
  }));
  const to6 = '20010db8000000000000000000000053:853';
  assert.deepEqual(got, [
    { type: 7, family: 2, protocol: 2, queryAddress: false, to: to6, query: true, response: false, responseTime: false },
    { type: 8, family: 2, protocol: 2, queryAddress: false, to: to6, query: false, response: true, responseTime: true },
    { type: 7, family: 1, protocol: 1, queryAddress: false, to: 'c0000235:53', query: true, response: false, responseTime: false },
  ]);
});

test('extra: fixed text, or CoreDNS placeholders of the query and its metadata filled per message', () => {
  const fixed = tapInto({ extra: compileExtra('static') });
  fixed.tap.clientQuery(makeRequest('example.org', 'A'), Date.now());
  assert.equal(one(fixed.messages()[0]!.top, 3)!.toString(), 'static');
  const placed = tapInto({ extra: compileExtra('{type} {name} {class} {proto} {remote}:{port} {>id} {>do} {>bufsize} {rcode} {/meta/data} {unknown} {size}') });
  const req = makeRequest('Example.ORG', 'MX', { remote: { address: '::1', port: 99, family: 6 }, id: 7, edns: { udpSize: 1232, do: true } });
  placed.tap.clientQuery(req, Date.now());
  req.metadata = new Metadata([{ metadata: (_r, label) => (label === 'meta/data' ? 'given' : undefined) }], req);
  placed.tap.clientQuery(req, Date.now());
  assert.deepEqual(
    placed.messages().map(({ top }) => one(top, 3)!.toString()),
    ['-', 'given'].map((meta) => `MX example.org. IN udp [::1]:99 7 true 1232 - ${meta} {unknown} ${req.size}`),
    'a metadata label: - without the metadata plugin, else its value',
  );
});
