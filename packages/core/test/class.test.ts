import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { definePlugin, QClass, Rcode, reply, type Request } from '../src/index.js';
import { dig, startTestServer, type TestServer } from '../src/testing/index.js';

/** IN data only, authoritative, as whoami or kubernetes: an A record for any name. */
const inData = definePlugin<null>({
  name: 'indata',
  parse: () => null,
  setup: () => ({
    name: 'indata',
    serveDNS(req: Request, w) {
      w.write(reply(req, { authoritative: true, answers: [{ name: req.qnameRaw, type: 'A', ttl: 5, data: '192.0.2.1' }] }));
      return 0;
    },
  }),
});

/** Passes every class on, as forward does: it declares so. */
const relay = definePlugin<null>({
  name: 'relay',
  anyClass: true,
  parse: () => null,
  setup: () => ({
    name: 'relay',
    serveDNS(req: Request, w) {
      w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 5, class: 'CH', data: `class ${req.qclass}` }] }));
      return 0;
    },
  }),
});

let s: TestServer;
before(async () => {
  s = await startTestServer('in.test {\n  indata\n}\nrelay.test {\n  relay\n  indata\n}', { plugins: [relay, inData] });
});
after(() => s.stop());

const classes = [['CH', QClass.CH], ['HS', QClass.HS], ['NONE', QClass.NONE], ['ANY', QClass.ANY]] as const;

test('a block whose plugins hold IN data only refuses other classes before its chain runs', async (t) => {
  for (const transport of ['udp', 'tcp'] as const) {
    for (const [name, qclass] of classes) {
      await t.test(`${transport} ${name}`, async () => {
        const r = await s.query('nginx.in.test', 'A', { transport, qclass, edns: { udpSize: 1232 } });
        assert.equal(r.rcode, Rcode.REFUSED);
        assert.equal(r.packet.flag_aa, false);
        assert.deepEqual(r.packet.answers, []);
        assert.equal(r.msg.readUInt16BE(r.msg.length - 11 - 2), qclass, 'the question is echoed with its class');
        assert.deepEqual(r.packet.additionals?.map((a) => a.type), ['OPT']);
      });
    }
    await t.test(`${transport} IN`, async () => {
      const r = await s.query('nginx.in.test', 'A', { transport });
      assert.equal(r.rcode, Rcode.NOERROR);
      assert.equal(r.packet.answers?.length, 1);
    });
  }
});

test('a block with a plugin that declares anyClass lets other classes reach its chain', async (t) => {
  for (const [name, qclass] of classes) {
    await t.test(name, async () => {
      const r = await s.query('version.relay.test', 'TXT', { qclass });
      assert.equal(r.rcode, Rcode.NOERROR);
      assert.equal(r.packet.answers?.length, 1);
      assert.equal(r.msg.readUInt16BE(12 + 'version.relay.test'.length + 2 + 2), qclass, 'the reply\'s question keeps its class');
    });
  }
});

test('dig -c CH: REFUSED from a block of IN data, an answer from a block with an anyClass plugin', async () => {
  const refused = await dig(s.port, '-c', 'CH', 'nginx.in.test', 'A');
  assert.match(refused, /status: REFUSED/);
  assert.match(refused, /;nginx\.in\.test\.\s+CH\s+A/);
  assert.doesNotMatch(refused, /ANSWER SECTION/);
  const relayed = await dig(s.port, '-c', 'CH', 'version.relay.test', 'TXT');
  assert.match(relayed, /status: NOERROR/);
  assert.match(relayed, /version\.relay\.test\.\s+5\s+CH\s+TXT\s+"class 3"/);
});

test('dig +opcode=15 with every flag set: NOTIMP with QR alone (ISC genreport "opcodeflg")', async () => {
  const out = await dig(s.port, '+noedns', '+header-only', '+opcode=15', '+tcflag', '+rec', '+raflag', '+cd', '+ad', '+aaflag', '+zflag');
  assert.match(out, /opcode: RESERVED15, status: NOTIMP/);
  assert.match(out, /;; flags: qr; QUERY: 0, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0/);
});
