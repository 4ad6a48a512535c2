import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Flag, parseCorefile, reply } from '@chaindns/core';
import { makeRequest, serveWith } from '@chaindns/core/testing';
import { createHeader } from '../src/index.js';
import { addRule, NO_RULES, type FlagRules } from '../src/flags.js';

/** The rules of `lines` (each `set|clear FLAGS...`), as the Corefile gives them. */
function rules(...lines: string[]): FlagRules {
  const block = parseCorefile(`. {\n header {\n${lines.map((l) => `  x ${l}\n`).join('')} }\n}`).blocks[0]!.directives[0]!.block!;
  return block.reduce(addRule, NO_RULES);
}

const HEADER = Flag.AA | Flag.RA | Flag.RD;

test('header rewrites the flags of replies', async (t) => {
  const cases: { rules: string[]; rd: boolean; reply: { aa?: boolean; ra?: boolean }; want: number }[] = [
    { rules: ['set ra'], rd: true, reply: {}, want: Flag.RA | Flag.RD },
    { rules: ['set ra aa', 'clear rd'], rd: true, reply: {}, want: Flag.RA | Flag.AA },
    { rules: ['clear aa ra'], rd: false, reply: { aa: true, ra: true }, want: 0 },
    { rules: ['set AA', 'clear aa'], rd: false, reply: {}, want: 0 },
    { rules: ['clear aa', 'set aa'], rd: false, reply: {}, want: Flag.AA },
    { rules: [], rd: true, reply: { aa: true }, want: Flag.AA | Flag.RD },
  ];
  for (const c of cases) {
    await t.test(c.rules.join('; ') || 'no rules', async () => {
      const req = makeRequest('example.org', 'A');
      if (!c.rd) req.msg[2] = req.msg[2]! & ~(Flag.RD >> 8);
      const h = createHeader({ query: NO_RULES, response: rules(...c.rules) });
      const { recorder } = await serveWith(h, req, (r, w) => (w.write(reply(r, { authoritative: c.reply.aa ?? false, recursionAvailable: c.reply.ra ?? false })), 0));
      assert.equal(recorder.msg!.readUInt16BE(2) & HEADER, c.want);
      assert.equal(recorder.packet().id, req.id);
    });
  }
});

test('header rewrites the query the rest of the chain sees, not the bytes it was given', async (t) => {
  const cases: { rules: string[]; rd: boolean; want: number }[] = [
    { rules: ['set rd'], rd: false, want: Flag.RD },
    { rules: ['clear rd'], rd: true, want: 0 },
    { rules: ['set aa ra'], rd: true, want: Flag.AA | Flag.RA | Flag.RD },
    { rules: ['set rd'], rd: true, want: Flag.RD },
  ];
  for (const c of cases) {
    await t.test(`${c.rules.join('; ')} on RD=${c.rd}`, async () => {
      const req = makeRequest('example.org', 'A');
      if (!c.rd) req.msg[2] = req.msg[2]! & ~(Flag.RD >> 8);
      const before = Buffer.from(req.msg);
      let seen = -1;
      await serveWith(createHeader({ query: rules(...c.rules), response: NO_RULES }), req, (r, w) => {
        seen = r.flags & HEADER;
        w.write(reply(r));
        return 0;
      });
      assert.equal(seen, c.want);
      assert.deepEqual(req.msg, before);
    });
  }
});
