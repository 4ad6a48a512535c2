import { type AnyPluginDefinition, definePlugin, QType, reply } from '@chaindns/core';
import * as dnsPacket from 'dns-packet';
import { view } from '../src/index.js';

/**
 * Stand-ins for the plugins the README's examples use beside view (plugins
 * never import each other; their own packages test them): `hosts { IP NAME }`
 * answers A or AAAA for NAME (NODATA for the other family), and `forward .
 * ADDRESS` answers every question with an A record of ADDRESS, so a test sees
 * which block served it.
 */
const hosts = definePlugin<{ address: string; name: string }[]>({
  name: 'hosts',
  parse: (d) => (d.block ?? []).map((line) => ({ address: line.name, name: `${line.args[0]!.text.toLowerCase()}.` })),
  setup: (entries) => ({
    name: 'hosts',
    serveDNS(req, w, next) {
      const found = entries.filter((e) => e.name === req.qname);
      if (found.length === 0) return next(req, w);
      const type: 'A' | 'AAAA' = req.qtype === QType.AAAA ? 'AAAA' : 'A';
      const answers = found.filter((e) => e.address.includes(':') === (type === 'AAAA')).map((e) => ({ name: req.qnameRaw, type, ttl: 3600, data: e.address }));
      w.write(reply(req, { authoritative: true, answers }));
      return 0;
    },
  }),
});

const forward = definePlugin<string>({
  name: 'forward',
  anyClass: true,
  parse: (d) => d.args[1]!.text,
  setup: (to) => ({ name: 'forward', serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 5, data: to }] })), 0) }),
});

/**
 * `alias NAME TARGET`: a TXT question for NAME is answered with the address
 * that an A lookup of TARGET through the server itself gets (ctx.resolve, as
 * template's CNAME targets are looked up), so a test sees which view that
 * lookup took.
 */
const alias = definePlugin<{ name: string; target: string }>({
  name: 'alias',
  parse: (d) => ({ name: `${d.args[0]!.text}.`, target: `${d.args[1]!.text}.` }),
  setup: ({ name, target }, ctx) => ({
    name: 'alias',
    async serveDNS(req, w, next) {
      if (req.qname !== name || req.qtype !== QType.TXT) return next(req, w);
      const answer = dnsPacket.decode(await ctx.resolve(target, QType.A, req)).answers?.find((a) => a.type === 'A');
      w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 0, data: String((answer as { data?: string } | undefined)?.data ?? 'none') }] }));
      return 0;
    },
  }),
});

export const plugins = [view, hosts, forward, alias] as AnyPluginDefinition[];
