import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AnyPluginDefinition, definePlugin, QType, reply } from '@chaindns/core';
import { startTestServer } from '@chaindns/core/testing';
import { metadata } from '../src/index.js';

/** How often `probe` was asked for each label. */
const asked = new Map<string, number>();

/** Offers `probe/client` (the client's address) and `probe/name` (the name asked); counts what it is asked. */
const probe = definePlugin<null>({
  name: 'probe',
  parse: () => null,
  setup(_config, ctx) {
    ctx.offer('metadata', {
      metadata(req, label) {
        asked.set(label, (asked.get(label) ?? 0) + 1);
        if (label === 'probe/client') return req.remote.address;
        if (label === 'probe/name') return req.qname;
        return undefined;
      },
    });
  },
});

/** `reader LABEL...`: a TXT question is answered with each label's value, `-` for one unset, as log prints them. */
const reader = definePlugin<string[]>({
  name: 'reader',
  parse: (d) => d.args.map((t) => t.text),
  setup: (labels) => ({
    name: 'reader',
    serveDNS(req, w) {
      const text = req.qtype === QType.TXT ? labels.map((l) => req.metadata?.get(l) ?? '-').join(' ') : '';
      w.write(reply(req, { answers: text ? [{ name: req.qnameRaw, type: 'TXT', ttl: 0, data: text }] : [] }));
      return 0;
    },
  }),
});

const plugins = [metadata, probe, reader] as AnyPluginDefinition[];

async function txt(corefile: string, name: string, type: 'TXT' | 'A' = 'TXT'): Promise<string> {
  const s = await startTestServer(corefile, { plugins });
  try {
    const { packet } = await s.query(name, type);
    const answer = packet.answers?.[0] as { data?: Buffer[] } | undefined;
    return answer?.data ? Buffer.concat(answer.data).toString() : '';
  } finally {
    await s.stop();
  }
}

test("the block's providers' metadata is read by its plugins, each label asked once per query", async () => {
  asked.clear();
  assert.equal(await txt('. {\n metadata\n probe\n reader probe/client probe/client probe/name probe/none\n}', 'Www.Example.org'), '127.0.0.1 127.0.0.1 www.example.org. -');
  assert.deepEqual(Object.fromEntries(asked), { 'probe/client': 1, 'probe/name': 1, 'probe/none': 1 });
});

test('without metadata in the block nothing is made and every label is unset', async () => {
  asked.clear();
  assert.equal(await txt('. {\n probe\n reader probe/client\n}', 'example.org'), '-');
  assert.equal(asked.size, 0);
});

test('a provider is asked only for what is read', async () => {
  asked.clear();
  assert.equal(await txt('. {\n metadata\n probe\n reader probe/client\n}', 'example.org', 'A'), '');
  assert.equal(asked.size, 0);
});

test('metadata ZONES: queries of other zones get none', async () => {
  const corefile = '. {\n metadata example.org\n probe\n reader probe/name\n}';
  assert.equal(await txt(corefile, 'a.example.org'), 'a.example.org.');
  assert.equal(await txt(corefile, 'a.example.net'), '-');
});
