import { configError, definePlugin, eachSubdirective, expectArgs, parseIPv6, type Token } from '@chaindns/core';
import { createDns64 } from './dns64.js';
import { dns64Metrics } from './metrics.js';

/** What `dns64` takes from its Corefile lines. */
export interface Dns64Config {
  /** The NAT64 prefix, as `address/length` (length 32, 40, 48, 56, 64 or 96). */
  readonly prefix: string;
  readonly translateAll: boolean;
  readonly allowIPv4: boolean;
}

const WELL_KNOWN = '64:ff9b::/96';

/** `dns64 [PREFIX] { prefix PREFIX; translate_all; allow_ipv4 }`, as CoreDNS parses it. */
export const dns64 = definePlugin<Dns64Config>({
  name: 'dns64',
  parse(d) {
    const args = expectArgs(d, 0, 1);
    let prefix = args[0] ? parsePrefix(args[0]) : WELL_KNOWN;
    let translateAll = false;
    let allowIPv4 = false;
    eachSubdirective(d, {
      prefix: (sub) => (prefix = parsePrefix(expectArgs(sub, 1, 1)[0]!)),
      translate_all: (sub) => (expectArgs(sub, 0, 0), (translateAll = true)),
      allow_ipv4: (sub) => (expectArgs(sub, 0, 0), (allowIPv4 = true)),
    });
    return { prefix, translateAll, allowIPv4 };
  },
  setup: (config, ctx) => createDns64({ ...config, metrics: dns64Metrics(ctx.registry) }),
});

/** An IPv6 CIDR whose length RFC 6052 allows: 32, 40, 48, 56, 64 or 96. */
function parsePrefix(t: Token): string {
  const [address = '', length = '', ...rest] = t.text.split('/');
  if (rest.length > 0 || !/^\d{1,3}$/.test(length)) configError(t, `dns64: invalid CIDR address: ${t.text}`);
  if (parseIPv6(address) === null) {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) configError(t, `dns64: invalid netmask 32 IPv6 address: "${t.text}"`);
    configError(t, `dns64: invalid CIDR address: ${t.text}`);
  }
  const n = Number(length);
  if (n % 8 !== 0 || n < 32 || n > 96) configError(t, `dns64: invalid prefix length "${t.text}"`);
  return `${address}/${n}`;
}
