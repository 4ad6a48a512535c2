import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Token } from '@chaindns/core';
import { formatHostPort as formatAddress, parseHostPort } from '@chaindns/core';

const parseAddress = parseHostPort;

const token = (text: string): Token => ({ text, file: 'Corefile', line: 3, quoted: false });

test('ADDRESS parses as CoreDNS takes it', async (t) => {
  const cases: { text: string; want?: { host: string; port: number }; error?: RegExp }[] = [
    { text: ':8080', want: { host: '', port: 8080 } },
    { text: '127.0.0.1:8080', want: { host: '127.0.0.1', port: 8080 } },
    { text: '[::1]:8080', want: { host: '::1', port: 8080 } },
    { text: '[fd00::53]:0', want: { host: 'fd00::53', port: 0 } },
    { text: 'localhost:8181', want: { host: 'localhost', port: 8181 } },
    { text: 'Health.Example.org:65535', want: { host: 'health.example.org', port: 65535 } },
    { text: 'localhost', error: /Corefile:3: health: address "localhost" has no port: expected \[HOST\]:PORT, such as :8080/ },
    { text: '8080', error: /address "8080" has no port/ },
    { text: '::1:8080', error: /address "::1:8080" has too many colons \(an IPv6 address goes in brackets\)/ },
    { text: '[::1]8080', error: /has no port after the bracketed IPv6 address/ },
    { text: '[127.0.0.1]:80', error: /has "127.0.0.1" in brackets, which is not an IPv6 address/ },
    { text: 'bad_host:80', error: /has "bad_host", which is not an IP address or a host name/ },
    { text: ':65536', error: /has port "65536", which is not a number from 0 to 65535/ },
    { text: ':http', error: /has port "http"/ },
    { text: ':', error: /has port ""/ },
  ];
  for (const c of cases) {
    await t.test(c.text, () => {
      if (c.error) assert.throws(() => parseAddress(token(c.text), 'health'), c.error);
      else assert.deepEqual(parseAddress(token(c.text), 'health'), c.want);
    });
  }
});

test('formatAddress writes the shared-listener key as CoreDNS writes addresses', () => {
  assert.equal(formatAddress({ host: '', port: 8080 }), ':8080');
  assert.equal(formatAddress({ host: '::1', port: 8080 }), '[::1]:8080');
  assert.equal(formatAddress({ host: 'localhost', port: 8181 }), 'localhost:8181');
});
