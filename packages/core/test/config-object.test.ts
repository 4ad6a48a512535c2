import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '../src/index.js';
import { configToCorefile } from '../src/server/config-object.js';

test('a config object block gets its port on every key that names none, schemes and IPv6 CIDRs included', () => {
  const text = configToCorefile({ servers: [{ zones: ['.', 'tls://example.org', 'https://example.net:8443', 'fd00::/64', 'example.com:53'], port: 1053, plugins: [['whoami']] }] });
  const keys = parseCorefile(text).blocks[0]!.keys.map((k) => `${k.scheme} ${k.zone} ${k.port}`);
  assert.deepEqual(keys, ['dns . 1053', 'tls example.org. 1053', 'https example.net. 8443', 'dns 0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 1053', 'dns example.com. 53']);
});
