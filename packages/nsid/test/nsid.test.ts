import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery, parseRequest, QType, Request, reply } from '@chaindns/core';
import { decodeReply, serveWith } from '@chaindns/core/testing';
import { createNsid } from '../src/index.js';

const remote = { address: '127.0.0.1', port: 40000, family: 4 as const };
const COOKIE = 10;

/** A query for example.org A; with `options`, an OPT carrying them (each [code, data]). */
function request(options?: readonly [number, string][]): Request {
  let msg = buildQuery('example.org', QType.A, options ? { edns: { udpSize: 1232 } } : {});
  if (options) {
    const rdata = Buffer.concat(options.map(([code, data]) => Buffer.concat([Buffer.from([code >> 8, code & 0xff, 0, data.length]), Buffer.from(data)])));
    msg = Buffer.concat([msg, rdata]);
    msg.writeUInt16BE(rdata.length, msg.length - rdata.length - 2);
  }
  const req = parseRequest(msg, 'udp', remote);
  assert.ok(req instanceof Request);
  return req;
}

/** The EDNS options of a reply as [code, text], null without an OPT. */
function optionsOf(msg: Buffer): [number, string][] | null {
  const opt = decodeReply(msg).packet.additionals?.find((r) => r.type === 'OPT') as { options?: { code: number; data: Buffer }[] } | undefined;
  return opt ? (opt.options ?? []).map((o) => [o.code, o.data.toString()]) : null;
}

/** A reply to `req` with the OPT's options replaced by `options` (null: no OPT at all). */
function upstream(req: Request, options: readonly [number, string][] | null): Buffer {
  const msg = reply(req, { answers: [{ name: 'example.org', type: 'A', ttl: 5, data: '192.0.2.1' }] });
  if (options === null) {
    const bare = msg.subarray(0, msg.length - 11);
    bare.writeUInt16BE(0, 10);
    return bare;
  }
  const rdata = Buffer.concat(options.map(([code, data]) => Buffer.concat([Buffer.from([code >> 8, code & 0xff, 0, data.length]), Buffer.from(data)])));
  const out = Buffer.concat([msg, rdata]);
  out.writeUInt16BE(rdata.length, msg.length - 2);
  return out;
}

test('nsid adds its NSID to the reply of a query that asks for one', async (t) => {
  const cases: { name: string; from: readonly [number, string][] | null; want: [number, string][] }[] = [
    { name: 'a reply with an empty OPT', from: [], want: [[3, 'Use The Force']] },
    { name: 'a reply with an NSID already and a cookie', from: [[3, 'upstream'], [COOKIE, '12345678']], want: [[COOKIE, '12345678'], [3, 'Use The Force']] },
    { name: 'a reply without OPT gets one', from: null, want: [[3, 'Use The Force']] },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { recorder } = await serveWith(createNsid({ data: 'Use The Force' }), request([[COOKIE, '12345678'], [3, '']]), (req, w) => (w.write(upstream(req, c.from)), 0));
      assert.deepEqual(optionsOf(recorder.msg!), c.want);
      const p = decodeReply(recorder.msg!).packet;
      assert.equal(p.answers?.length, 1, 'the answer is kept');
      assert.equal(p.additionals?.length, 1);
    });
  }
});

test('nsid leaves the reply alone when the query has no NSID option or no EDNS', async () => {
  for (const req of [request(), request([]), request([[COOKIE, '12345678']])]) {
    let written: Buffer | null = null;
    const { recorder } = await serveWith(createNsid({ data: 'x' }), req, (r, w) => (w.write((written = upstream(r, r.edns ? [] : null))), 0));
    assert.equal(recorder.msg, written, 'the same bytes');
  }
});

test('nsid passes a malformed reply through unchanged', async () => {
  const bad = Buffer.from(upstream(request([]), []).subarray(0, 20));
  bad.writeUInt16BE(1, 10);
  const { recorder } = await serveWith(createNsid({ data: 'x' }), request([[3, '']]), (_r, w) => (w.write(bad), 0));
  assert.equal(recorder.msg, bad);
});
