import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reply, type Request } from '@chaindns/core';
import { makeRequest, serveWith } from '@chaindns/core/testing';
import { createBufsize } from '../src/index.js';

/** A next that notes the request it saw and answers with `count` TXT records of 100 bytes. */
function bigAnswer(count: number) {
  const seen: Request[] = [];
  const next = (req: Request, w: { write(msg: Buffer): void }) => {
    seen.push(req);
    const answers = Array.from({ length: count }, () => ({ name: req.qnameRaw, type: 'TXT' as const, ttl: 60, data: 'x'.repeat(100) }));
    w.write(reply(req, { answers }));
    return 0;
  };
  return { seen, next };
}

test('bufsize caps the EDNS0 size the chain sees, and only when it is larger', async (t) => {
  const cases: { edns?: { udpSize: number }; want: number | null; same: boolean }[] = [
    { edns: { udpSize: 4096 }, want: 1232, same: false },
    { edns: { udpSize: 1232 }, want: 1232, same: true },
    { edns: { udpSize: 600 }, want: 600, same: true },
    { want: null, same: true },
  ];
  for (const c of cases) {
    await t.test(`client ${c.edns?.udpSize ?? 'without EDNS'}`, async () => {
      const req = makeRequest('example.org', 'TXT', c.edns ? { edns: c.edns } : {});
      const { seen, next } = bigAnswer(1);
      await serveWith(createBufsize(1232), req, next);
      assert.equal(seen[0]!.edns?.udpSize ?? null, c.want);
      assert.equal(seen[0] === req, c.same);
      if (!c.same) assert.deepEqual([seen[0]!.qname, seen[0]!.id, seen[0]!.remote], [req.qname, req.id, req.remote]);
    });
  }
});

test('an answer over the capped size is truncated for a UDP client, not for TCP', async () => {
  for (const transport of ['udp', 'tcp'] as const) {
    const req = makeRequest('example.org', 'TXT', { edns: { udpSize: 4096 }, transport });
    const { next } = bigAnswer(20); // ~2,200 bytes
    const { recorder } = await serveWith(createBufsize(1232), req, next);
    const truncated = (recorder.msg![2]! & 0x02) !== 0;
    assert.equal(truncated, transport === 'udp', transport);
    if (transport === 'udp') assert.ok(recorder.msg!.length <= 1232);
  }
});
