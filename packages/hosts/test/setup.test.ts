import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase, startTestServer } from '@chaindns/core/testing';
import { hosts, type HostsConfig } from '../src/index.js';

/** The config without positions, addresses in hex: what a row compares. */
function plain(c: HostsConfig): Record<string, unknown> {
  return {
    path: c.path,
    zones: c.zones,
    inline: c.inline.map((l) => [Buffer.from(l.address).toString('hex'), ...l.names]),
    ttl: c.ttl,
    reverse: c.reverse,
    reloadMs: c.reloadMs,
    fallthrough: c.fallthrough,
    fallthroughUnsupported: c.fallthroughUnsupported,
  };
}

interface Want {
  path: string;
  zones: string[];
  inline: string[][];
  ttl: number;
  reverse: boolean;
  reloadMs: number;
  fallthrough: string[] | null;
  fallthroughUnsupported: boolean;
}

const defaults: Want = { path: '/etc/hosts', zones: ['.'], inline: [], ttl: 3600, reverse: true, reloadMs: 5000, fallthrough: null, fallthroughUnsupported: false };

test('hosts setup', async (t) => {
  const cases: SetupCase[] = [
    // CoreDNS's TestHostsParse.
    { corefile: 'hosts', want: {} },
    { corefile: 'hosts /tmp', want: { path: '/tmp' } },
    { corefile: 'hosts /etc/hosts miek.nl.', want: { zones: ['miek.nl.'] } },
    { corefile: 'hosts /etc/hosts miek.nl. pun.gent.', want: { zones: ['miek.nl.', 'pun.gent.'] } },
    { corefile: 'hosts {\n fallthrough\n }', want: { fallthrough: ['.'] } },
    { corefile: 'hosts /tmp {\n fallthrough\n }', want: { path: '/tmp', fallthrough: ['.'] } },
    { corefile: 'hosts /etc/hosts miek.nl. {\n fallthrough\n }', want: { zones: ['miek.nl.'], fallthrough: ['.'] } },
    { corefile: 'hosts /etc/hosts miek.nl 10.0.0.9/8 {\n fallthrough\n }', want: { zones: ['miek.nl.', '10.in-addr.arpa.'], fallthrough: ['.'] } },
    // The server block's zones when none are given.
    { keys: 'example.org 10.0.0.0/24', corefile: 'hosts', want: { zones: ['example.org.', '0.0.10.in-addr.arpa.'] } },
    // CoreDNS's TestHostsInlineParse.
    { corefile: 'hosts highly_unlikely_to_exist_hosts_file example.org {\n 10.0.0.1 example.org\n fallthrough\n }', want: { path: 'highly_unlikely_to_exist_hosts_file', zones: ['example.org.'], inline: [['0a000001', 'example.org.']], fallthrough: ['.'] } },
    { corefile: 'hosts highly_unlikely_to_exist_hosts_file example.org {\n 10.0.0.1 example.org\n }', want: { path: 'highly_unlikely_to_exist_hosts_file', zones: ['example.org.'], inline: [['0a000001', 'example.org.']] } },
    { corefile: 'hosts highly_unlikely_to_exist_hosts_file example.org {\n fallthrough\n 10.0.0.1 example.org\n }', error: /Corefile:4: hosts: unknown property "10.0.0.1" \(inline entries go before fallthrough\)/ },
    // CoreDNS's TestHostsParseFallthroughUnsupported.
    { corefile: 'hosts {\n fallthrough\n fallthrough_unsupported\n }', want: { fallthrough: ['.'], fallthroughUnsupported: true } },
    { corefile: 'hosts {\n fallthrough_unsupported\n fallthrough example.org\n }', want: { fallthrough: ['example.org.'], fallthroughUnsupported: true } },
    { corefile: 'hosts {\n fallthrough_unsupported\n }', error: /Corefile:3: hosts: fallthrough_unsupported requires fallthrough/ },
    { corefile: 'hosts {\n fallthrough\n fallthrough_unsupported example.org\n }', error: /Corefile:4: hosts: fallthrough_unsupported: expected 0 arguments, got 1/ },
    // The k3s default and operators' inline shape.
    { corefile: 'hosts /etc/coredns/NodeHosts {\n ttl 60\n reload 15s\n fallthrough\n }', want: { path: '/etc/coredns/NodeHosts', ttl: 60, reloadMs: 15000, fallthrough: ['.'] } },
    { corefile: 'hosts {\n 10.0.0.1 foo.example\n fallthrough\n }', want: { inline: [['0a000001', 'foo.example.']], fallthrough: ['.'] } },
    // Inline entries: both families, aliases, letter case, zone ids, comments.
    { corefile: 'hosts {\n ::1 localhost Ip6-Localhost # the loopback\n fe80::1%eth0 link.example\n ::ffff:10.0.0.2 mapped.example\n }', want: { inline: [['00000000000000000000000000000001', 'localhost.', 'ip6-localhost.'], ['fe800000000000000000000000000001', 'link.example.'], ['0a000002', 'mapped.example.']] } },
    { corefile: 'hosts {\n 192.168.1.10 *.example.com\n }', want: { inline: [['c0a8010a', '*.example.com.']] } },
    { corefile: 'hosts {\n 10.0.0.1\n }', error: /Corefile:3: hosts: inline entry 10.0.0.1 needs at least one host name/ },
    { corefile: 'hosts {\n 010.0.0.1 foo\n }', error: /Corefile:3: hosts: unknown property "010.0.0.1": expected one of ttl, no_reverse, reload, fallthrough, fallthrough_unsupported, or an inline entry/ },
    { corefile: 'hosts {\n fallthruogh\n }', error: /Corefile:3: hosts: unknown property "fallthruogh"/ },
    { corefile: 'hosts {\n 10.0.0.1 foo..example\n }', error: /Corefile:3: hosts: "foo..example" is not a host name/ },
    { corefile: 'hosts {\n 10.0.0.1 foo {\n bar\n }\n }', error: /Corefile:3: hosts: inline entry 10.0.0.1 takes no block/ },
    { corefile: 'hosts /etc/hosts example.org {\n 10.0.0.1 foo.example.net\n }', error: /Corefile:3: hosts: foo.example.net. is outside the zones this hosts serves \(example.org.\)/ },
    // ttl
    { corefile: 'hosts {\n ttl 65535\n }', want: { ttl: 65535 } },
    { corefile: 'hosts {\n ttl\n }', error: /Corefile:3: hosts: ttl: expected 1 argument, got 0/ },
    { corefile: 'hosts {\n ttl 60 70\n }', error: /Corefile:3: hosts: ttl: expected 1 argument, got 2/ },
    { corefile: 'hosts {\n ttl 1m\n }', error: /Corefile:3: hosts: ttl needs a number of seconds, got "1m"/ },
    { corefile: 'hosts {\n ttl 0\n }', error: /Corefile:3: hosts: ttl provided is invalid: 0, expected 1 to 65535/ },
    { corefile: 'hosts {\n ttl 65536\n }', error: /Corefile:3: hosts: ttl provided is invalid/ },
    { corefile: 'hosts {\n ttl 60\n ttl 70\n }', error: /Corefile:4: hosts: "ttl" given more than once/ },
    // reload
    { corefile: 'hosts {\n reload 0\n }', want: { reloadMs: 0 } },
    { corefile: 'hosts {\n reload 0s\n }', want: { reloadMs: 0 } },
    { corefile: 'hosts {\n reload 300ms\n }', want: { reloadMs: 300 } },
    { corefile: 'hosts {\n reload 1.5h\n }', want: { reloadMs: 5_400_000 } },
    { corefile: 'hosts {\n reload 2h45m\n }', want: { reloadMs: 9_900_000 } },
    { corefile: 'hosts {\n reload\n }', error: /Corefile:3: hosts: reload: expected 1 argument, got 0/ },
    { corefile: 'hosts {\n reload -5s\n }', error: /Corefile:3: hosts: invalid negative duration for reload '-5s'/ },
    { corefile: 'hosts {\n reload soon\n }', error: /Corefile:3: hosts: reload: expected a duration such as 5s, 1m or 250ms, got "soon"/ },
    // no_reverse, fallthrough
    { corefile: 'hosts {\n no_reverse\n }', want: { reverse: false } },
    { corefile: 'hosts {\n no_reverse please\n }', error: /Corefile:3: hosts: no_reverse: expected 0 arguments, got 1/ },
    { corefile: 'hosts {\n fallthrough in-addr.arpa ip6.arpa\n }', want: { fallthrough: ['in-addr.arpa.', 'ip6.arpa.'] } },
    { corefile: 'hosts {\n ttl 60 {\n }\n }', error: /Corefile:3: hosts: ttl: takes no block/ },
  ];
  await assertSetupCases(t, hosts, cases, { view: plain, defaults });
});

test('hosts only once in a server block (CoreDNS: plugin.ErrOnce)', async () => {
  await assert.rejects(startTestServer('. {\n  hosts /etc/hosts {\n    fallthrough\n  }\n  hosts /etc/hosts {\n    fallthrough\n  }\n}\n', { plugins: [hosts] }), /Corefile:5: "hosts" may appear only once in a server block/);
});

test('files names the hosts file, optional, where the Corefile names it (the directive when it does not)', () => {
  const files = (text: string) => hosts.files!(hosts.parse(parseCorefile(text).blocks[0]!.directives[0]!, { zones: ['.'], port: 53, warn: () => {} }));
  assert.deepEqual(files('. {\n  hosts\n}'), [{ path: '/etc/hosts', at: { text: 'hosts', file: 'Corefile', line: 2, quoted: false, directive: ['hosts'] }, what: 'hosts file', optional: true }]);
  assert.deepEqual(
    files('. {\n\n  hosts example.hosts example.org\n}').map((f) => [f.path, f.at.line]),
    [['example.hosts', 3]],
  );
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 6);
  for (const corefile of examples) checkCorefile(corefile, [hosts]);
});
