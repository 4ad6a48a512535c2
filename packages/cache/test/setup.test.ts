import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { cache, type CacheConfig } from '../src/index.js';

const defaults: CacheConfig = {
  zones: ['.'],
  success: { capacity: 9984, maxTtl: 3600, minTtl: 5 },
  denial: { capacity: 9984, maxTtl: 1800, minTtl: 5 },
  prefetch: null,
  serveStale: null,
  servfailTtl: 5,
  disable: { success: [], denial: [] },
  keepTtl: false,
};

test('cache parses CoreDNS syntax into a config', async (t) => {
  const cases: SetupCase<Partial<CacheConfig>>[] = [
    { corefile: 'example.org {\n cache\n}', want: { zones: ['example.org.'] } },
    { corefile: '. {\n cache 30\n}', want: { success: { capacity: 9984, maxTtl: 30, minTtl: 5 }, denial: { capacity: 9984, maxTtl: 30, minTtl: 5 } } },
    { corefile: '. {\n cache 30 Example.ORG 10.0.0.0/24\n}', want: { zones: ['example.org.', '0.0.10.in-addr.arpa.'], success: { capacity: 9984, maxTtl: 30, minTtl: 5 }, denial: { capacity: 9984, maxTtl: 30, minTtl: 5 } } },
    { corefile: '. {\n cache a.example.org\n}', want: { zones: ['a.example.org.'] } },
    { corefile: '. {\n cache {\n  success 5000\n  denial 2500\n }\n}', want: { success: { capacity: 5000, maxTtl: 3600, minTtl: 5 }, denial: { capacity: 2500, maxTtl: 1800, minTtl: 5 } } },
    { corefile: '. {\n cache 300 {\n  success 1000 60 10\n  denial 1 20 0\n }\n}', want: { success: { capacity: 1000, maxTtl: 60, minTtl: 10 }, denial: { capacity: 1, maxTtl: 20, minTtl: 0 } } },
    { corefile: '. {\n cache {\n  prefetch 10\n }\n}', want: { prefetch: { amount: 10, durationMs: 60_000, percentage: 10 } } },
    { corefile: '. {\n cache {\n  prefetch 2 10m 50%\n }\n}', want: { prefetch: { amount: 2, durationMs: 600_000, percentage: 50 } } },
    { corefile: '. {\n cache {\n  prefetch 0\n }\n}', want: { prefetch: null } },
    { corefile: '. {\n cache {\n  serve_stale\n }\n}', want: { serveStale: { durationMs: 3_600_000, mode: 'immediate' } } },
    { corefile: '. {\n cache {\n  serve_stale 30m verify\n }\n}', want: { serveStale: { durationMs: 1_800_000, mode: 'verify' } } },
    { corefile: '. {\n cache {\n  serve_stale 0\n }\n}', want: { serveStale: null } },
    { corefile: '. {\n cache {\n  servfail 0\n }\n}', want: { servfailTtl: 0 } },
    { corefile: '. {\n cache {\n  servfail 5m\n }\n}', want: { servfailTtl: 300 } },
    { corefile: '. {\n cache {\n  disable success\n  disable denial a.org B.org\n }\n}', want: { disable: { success: ['.'], denial: ['a.org.', 'b.org.'] } } },
    { corefile: '. {\n cache {\n  keepttl\n }\n}', want: { keepTtl: true } },
  ];
  await assertSetupCases(t, cache, cases, { keys: null, defaults });
});

test('cache refuses what CoreDNS refuses, with the line', async (t) => {
  const cases: SetupCase[] = [
    { corefile: '. {\n cache 0\n}', error: /Corefile:2: cache: TTL can not be zero or negative: 0/ },
    { corefile: '. {\n cache -5\n}', error: /Corefile:2: cache: TTL can not be zero or negative: -5/ },
    { corefile: '. {\n cache 30 example.org:53\n}', error: /Corefile:2: cache: "example.org:53" is not a valid zone/ },
    { corefile: '. {\n cache {\n  success\n }\n}', error: /Corefile:3: cache: success: expected 1 to 3 arguments, got 0/ },
    { corefile: '. {\n cache {\n  success many\n }\n}', error: /Corefile:3: cache: success: expected an integer, got "many"/ },
    { corefile: '. {\n cache {\n  success 0\n }\n}', error: /Corefile:3: cache: success: 0 is out of range/ },
    { corefile: '. {\n cache {\n  denial 10 0\n }\n}', error: /Corefile:3: cache: TTL can not be zero or negative: 0/ },
    { corefile: '. {\n cache {\n  denial 10 60 -1\n }\n}', error: /Corefile:3: cache: MINTTL can not be negative: -1/ },
    { corefile: '. {\n cache {\n  success 10 60 5 1\n }\n}', error: /Corefile:3: cache: success: expected 1 to 3 arguments, got 4/ },
    { corefile: '. {\n cache {\n  prefetch\n }\n}', error: /Corefile:3: cache: prefetch: expected 1 to 3 arguments, got 0/ },
    { corefile: '. {\n cache {\n  prefetch -1\n }\n}', error: /Corefile:3: cache: prefetch: -1 is out of range/ },
    { corefile: '. {\n cache {\n  prefetch 1 soon\n }\n}', error: /Corefile:3: cache: prefetch: expected a duration/ },
    { corefile: '. {\n cache {\n  prefetch 1 1m 50\n }\n}', error: /Corefile:3: cache: last character of percentage should be `%`/ },
    { corefile: '. {\n cache {\n  prefetch 1 1m 95%\n }\n}', error: /Corefile:3: cache: percentage should fall in range \[10, 90\]: 95%/ },
    { corefile: '. {\n cache {\n  prefetch 1 1m 5%\n }\n}', error: /range \[10, 90\]/ },
    { corefile: '. {\n cache {\n  serve_stale 1h later\n }\n}', error: /Corefile:3: cache: serve_stale: expected one of immediate, verify, got "later"/ },
    { corefile: '. {\n cache {\n  serve_stale 1h verify now\n }\n}', error: /Corefile:3: cache: serve_stale: expected 0 to 2 arguments, got 3/ },
    { corefile: '. {\n cache {\n  servfail\n }\n}', error: /Corefile:3: cache: servfail: expected 1 argument/ },
    { corefile: '. {\n cache {\n  servfail 6m\n }\n}', error: /Corefile:3: cache: caching SERVFAIL responses over 5 minutes is not permitted/ },
    { corefile: '. {\n cache {\n  servfail 500ms\n }\n}', error: /Corefile:3: cache: servfail DURATION must be 0 or at least 1s/ },
    { corefile: '. {\n cache {\n  disable\n }\n}', error: /Corefile:3: cache: disable: expected at least 1 argument/ },
    { corefile: '. {\n cache {\n  disable everything\n }\n}', error: /Corefile:3: cache: disable: expected one of success, denial, got "everything"/ },
    { corefile: '. {\n cache {\n  keepttl 10\n }\n}', error: /Corefile:3: cache: keepttl: expected 0 arguments, got 1/ },
    { corefile: '. {\n cache {\n  keepttl {\n   x\n  }\n }\n}', error: /Corefile:3: cache: keepttl: takes no block/ },
    { corefile: '. {\n cache {\n  success 10\n  success 20\n }\n}', error: /Corefile:4: cache: "success" given more than once/ },
    { corefile: '. {\n cache {\n  negative 10\n }\n}', error: /Corefile:3: cache: unknown property "negative", expected one of: success, denial, prefetch, serve_stale, servfail, disable, keepttl/ },
  ];
  await assertSetupCases(t, cache, cases, { keys: null });
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 4);
  for (const corefile of examples) checkCorefile(corefile, [cache]);
});
