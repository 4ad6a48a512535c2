import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCorefile, type ParseOptions } from '../src/corefile/index.js';

/** Each key, as the server block `KEY {\n}` resolves it: `zone port` strings, or the error message. */
const cases: readonly { key: string; want: readonly string[] | RegExp; options?: ParseOptions }[] = [
  { key: '.', want: ['. 53'] },
  { key: 'example.org', want: ['example.org. 53'] },
  { key: 'example.org.', want: ['example.org. 53'] },
  { key: 'Example.ORG', want: ['example.org. 53'] },
  { key: 'example.org:1053', want: ['example.org. 1053'] },
  { key: 'dns://example.org:1053', want: ['example.org. 1053'] },
  { key: 'dns://example.org', want: ['example.org. 53'] },
  { key: 'DNS://.:53', want: ['. 53'] },
  { key: 'dns://.:53', want: ['. 53'] },
  { key: ':1053', want: ['. 1053'] },
  { key: 'dns://:5353', want: ['. 5353'] },
  { key: '.:0', want: ['. 0'] },
  { key: '_tcp.example.org', want: ['_tcp.example.org. 53'] },
  { key: 'example.org', want: ['example.org. 1053'], options: { defaultPort: 1053 } },
  { key: '10.0.0.0/24', want: ['0.0.10.in-addr.arpa. 53'] },
  { key: '10.0.0.0/8', want: ['10.in-addr.arpa. 53'] },
  { key: '10.0.0.0/16:1053', want: ['0.10.in-addr.arpa. 1053'] },
  { key: 'dns://10.0.0.0/24:1053', want: ['0.0.10.in-addr.arpa. 1053'] },
  { key: '10.0.0.0/23', want: ['0.0.10.in-addr.arpa. 53', '1.0.10.in-addr.arpa. 53'] },
  {
    key: '192.168.4.0/22',
    want: ['4.168.192.in-addr.arpa. 53', '5.168.192.in-addr.arpa. 53', '6.168.192.in-addr.arpa. 53', '7.168.192.in-addr.arpa. 53'],
  },
  { key: '10.0.0.7/24', want: ['0.0.10.in-addr.arpa. 53'] },
  { key: '10.1.2.3/32', want: ['3.2.1.10.in-addr.arpa. 53'] },
  { key: '0.0.0.0/0', want: ['in-addr.arpa. 53'] },
  { key: 'fd00::/64', want: ['0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 53'] },
  { key: 'fd00::/64:1053', want: ['0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 1053'] },
  {
    key: 'fd00::/63',
    want: ['0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 53', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 53'],
  },
  { key: '2001:DB8::/32', want: ['8.b.d.0.1.0.0.2.ip6.arpa. 53'] },
  {
    key: '2001:db8::/30',
    want: ['8.b.d.0.1.0.0.2.ip6.arpa. 53', '9.b.d.0.1.0.0.2.ip6.arpa. 53', 'a.b.d.0.1.0.0.2.ip6.arpa. 53', 'b.b.d.0.1.0.0.2.ip6.arpa. 53'],
  },
  { key: '::ffff:10.0.0.0/112', want: [`0.0.a.0.f.f.f.f.${'0.'.repeat(20)}ip6.arpa. 53`] },
  { key: '::/0', want: ['ip6.arpa. 53'] },
  { key: 'tls://.', want: ['tls . 853'] },
  { key: 'tls://example.org:8853', want: ['tls example.org. 8853'] },
  { key: 'TLS://.', want: ['tls . 853'] },
  { key: 'tls://.', want: ['tls . 853'], options: { defaultPort: 1053 } },
  { key: 'https://example.org', want: ['https example.org. 443'] },
  { key: 'https://.:8443', want: ['https . 8443'] },
  { key: 'https://10.0.0.0/24', want: ['https 0.0.10.in-addr.arpa. 443'] },
  { key: 'grpc://.:443', want: /^Corefile:1: key "grpc:\/\/\.:443": unsupported scheme grpc:\/\/: CoreDNS's grpc:\/\/ is not supported yet; chaindns serves dns:\/\/, tls:\/\/ and https:\/\/$/ },
  { key: 'quic://.', want: /unsupported scheme quic:\/\/: CoreDNS's quic:\/\/ is not supported yet/ },
  { key: 'https3://.', want: /unsupported scheme https3:\/\/: CoreDNS's https3:\/\/ is not supported yet/ },
  { key: 'unix://.', want: /unsupported scheme unix:\/\/: CoreDNS's unix:\/\/ is not supported yet/ },
  { key: 'ftp://.', want: /unsupported scheme ftp:\/\/: unknown scheme; chaindns serves dns:\/\/, tls:\/\/ and https:\/\/$/ },
  { key: 'example.org:', want: /^Corefile:1: key "example.org:": expected a port after ':'$/ },
  { key: 'example.org:dns', want: /bad port "dns": expected a number from 0 to 65535/ },
  { key: 'example.org:65536', want: /bad port "65536"/ },
  { key: 'example.org:-1', want: /bad port "-1"/ },
  { key: '10.0.0.0/33', want: /key "10.0.0.0\/33": "10.0.0.0\/33" is not a valid CIDR/ },
  { key: '10.0.0/24', want: /is not a valid CIDR/ },
  { key: '10.0.0.0/', want: /is not a valid CIDR/ },
  { key: 'fd00::/129', want: /is not a valid CIDR/ },
  { key: 'example.org/24', want: /is not a valid CIDR/ },
  { key: 'a..org', want: /zone "a..org" has an empty label/ },
  { key: '"exa mple.org"', want: /"exa mple" is not a DNS label/ },
  { key: `${'a'.repeat(64)}.org`, want: /is not a DNS label/ },
  { key: `${'abcdefghi.'.repeat(26)}org`, want: /is longer than 253 characters/ },
];

describe('server block keys', () => {
  for (const { key, want, options } of cases) {
    it(`${key}${options ? ` ${JSON.stringify(options)}` : ''}`, () => {
      const parse = () => parseCorefile(`${key} {\n}\n`, options);
      if (want instanceof RegExp) {
        assert.throws(parse, (err: Error & { code?: string }) => {
          assert.match(err.message, want);
          assert.equal(err.code, 'CHAINDNS_COREFILE_SYNTAX');
          return true;
        });
        return;
      }
      const [block] = parse().blocks;
      assert.deepEqual(block?.keys.map((k) => `${k.scheme === 'dns' ? '' : `${k.scheme} `}${k.zone} ${k.port}`), want);
    });
  }

  it('keeps the key as written in each expanded key token', () => {
    const [block] = parseCorefile('\n10.0.0.0/23:1053 {\n}\n').blocks;
    assert.deepEqual(
      block?.keys.map((k) => [k.token.text, k.token.line]),
      [['10.0.0.0/23:1053', 2], ['10.0.0.0/23:1053', 2]],
    );
  });
});
