import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile, parseIpPort } from '../src/index.js';

const arg = (text: string) => parseCorefile(`. {\n x ${text}\n}`).blocks[0]!.directives[0]!.args[0]!;

test('parseIpPort: an IP address with an optional port, port 53 (or the default given) without one; a name is refused', () => {
  const cases: { text: string; want?: { host: string; port: number }; error?: RegExp }[] = [
    { text: '10.0.0.1', want: { host: '10.0.0.1', port: 53 } },
    { text: '2001:DB8::1', want: { host: '2001:db8::1', port: 53 } },
    { text: '10.0.0.1:5300', want: { host: '10.0.0.1', port: 5300 } },
    { text: '[2001:db8::1]:5300', want: { host: '2001:db8::1', port: 5300 } },
    { text: 'ns1.example.net', error: /^Corefile:2: x: must specify an IP address: "ns1.example.net"$/ },
    { text: 'ns1.example.net:53', error: /^Corefile:2: x: must specify an IP address: "ns1.example.net:53"$/ },
    { text: '[ns1.example.net]:53', error: /^Corefile:2: x: must specify an IP address: "\[ns1.example.net\]:53"$/ },
    { text: '10.0.0.1:99999', error: /^Corefile:2: x: address "10.0.0.1:99999" has port "99999", which is not a number from 0 to 65535/ },
    { text: '[2001:db8::1]', error: /^Corefile:2: x: address "\[2001:db8::1\]" has no port after the bracketed IPv6 address/ },
  ];
  for (const c of cases) {
    if (c.error) assert.throws(() => parseIpPort(arg(c.text), 'x'), (err: Error) => (assert.match(err.message, c.error!), true), c.text);
    else assert.deepEqual(parseIpPort(arg(c.text), 'x'), c.want, c.text);
  }
  assert.deepEqual(parseIpPort(arg('10.0.0.1'), 'x', 853), { host: '10.0.0.1', port: 853 });
});
