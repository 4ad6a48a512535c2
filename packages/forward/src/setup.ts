import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  configError,
  definePlugin,
  type Directive,
  eachSubdirective,
  encodeName,
  expectArgs,
  normalizeZone,
  parseChoice,
  parseDuration,
  parseInteger,
  Rcode,
  type Token,
} from '@chaindns/core';
import {
  DEFAULT_EXPIRE_MS,
  DEFAULT_HEALTH_CHECK_MS,
  DEFAULT_MAX_FAILS,
  type ForwardConfig,
  type HealthCheckConfig,
  MAX_UPSTREAMS,
  type Policy,
  type StanzaConfig,
  type TlsConfig,
} from './config.js';
import { createForward } from './forward.js';
import { parseTo } from './upstream-address.js';
import { nodeTls } from './tls-module.js';

/** Options of current CoreDNS that chaindns refuses rather than accept and ignore. */
const UNSUPPORTED = ['max_idle_conns', 'max_age', 'max_connect_attempts', 'min_max_dial_timeout', 'max_requests'];

/**
 * `forward FROM TO... { ... }`, CoreDNS's syntax. It may appear several times
 * in a block (for different FROM zones); the most specific FROM wins.
 */
export const forward = definePlugin<ForwardConfig>({
  name: 'forward',
  // Questions of any class go upstream (CoreDNS's EnableChaos lists forward).
  anyClass: true,
  parse(d, ctx) {
    const args = expectArgs(d, 2);
    const fromZones = normalizeZone(args[0]!);
    const from = fromZones[0]!;
    if (fromZones.length > 1) ctx.warn(args[0]!, `forward: "${args[0]!.text}" expands to ${fromZones.length} zones; only ${from} is used`);
    const upstreams = args.slice(1).flatMap(parseTo);
    if (upstreams.length > MAX_UPSTREAMS) configError(d, `forward: more than ${MAX_UPSTREAMS} TOs configured: ${upstreams.length}`);

    const o = {
      except: [] as string[],
      next: [] as number[],
      failover: [] as number[],
      forceTcp: false,
      preferUdp: false,
      expireMs: DEFAULT_EXPIRE_MS,
      maxFails: DEFAULT_MAX_FAILS,
      policy: 'random' as Policy,
      healthCheck: { intervalMs: DEFAULT_HEALTH_CHECK_MS, recursionDesired: true, domain: '.' } as HealthCheckConfig,
      maxConcurrent: 0,
      failfastAllUnhealthy: false,
      tlsFiles: null as TlsConfig | null,
      servername: null as Token | null,
    };
    for (const sub of d.block ?? []) {
      if (UNSUPPORTED.includes(sub.name)) configError(sub, `forward: "${sub.name}" is a CoreDNS option chaindns does not support`);
    }
    const flag = (s: Directive): true => (expectArgs(s, 0, 0), true);
    const one = (s: Directive): Token => expectArgs(s, 1, 1)[0]!;
    eachSubdirective(
      d,
      {
        except: (s) => o.except.push(...expectArgs(s, 1).flatMap(normalizeZone)),
        force_tcp: (s) => (o.forceTcp = flag(s)),
        prefer_udp: (s) => (o.preferUdp = flag(s)),
        expire: (s) => (o.expireMs = parseDuration(one(s), { min: 0 })),
        max_fails: (s) => (o.maxFails = parseInteger(one(s), 0, 0xffffffff)),
        tls: (s) => (o.tlsFiles = parseTls(s)),
        tls_servername: (s) => (o.servername = one(s)),
        policy: (s) => (o.policy = parseChoice(one(s), ['random', 'round_robin', 'sequential'])),
        health_check: (s) => (o.healthCheck = parseHealthCheck(s)),
        max_concurrent: (s) => (o.maxConcurrent = parseInteger(one(s), 0)),
        next: (s) => o.next.push(...expectArgs(s, 1).map((t) => parseRcode(t, 'next'))),
        failover: (s) => o.failover.push(...expectArgs(s, 1).map((t) => parseRcode(t, 'failover'))),
        failfast_all_unhealthy_upstreams: (s) => (o.failfastAllUnhealthy = flag(s)),
      },
      ['except', 'next', 'failover'],
    );

    const tlsGiven = d.block?.find((s) => s.name === 'tls' || s.name === 'tls_servername');
    if (tlsGiven && !upstreams.some((u) => u.protocol === 'tls')) configError(tlsGiven, `forward: "${tlsGiven.name}" applies only to tls:// upstreams, and none is configured`);
    const sn = o.servername;
    const named = upstreams.find((u) => u.servername !== null);
    if (sn && named) configError(sn, `forward: both tls_servername (${sn.text}) and a server name in the address (${named.servername}) are set for ${named.addr}`);
    const files = o.tlsFiles;
    const stanza: StanzaConfig = {
      from,
      except: o.except,
      upstreams,
      forceTcp: o.forceTcp,
      preferUdp: o.preferUdp,
      expireMs: o.expireMs,
      maxFails: o.maxFails,
      tls: files || sn ? { cert: files?.cert ?? null, key: files?.key ?? null, ca: files?.ca ?? null, servername: sn?.text ?? null } : null,
      policy: o.policy,
      healthCheck: o.healthCheck,
      maxConcurrent: o.maxConcurrent,
      next: o.next,
      failover: o.failover,
      failfastAllUnhealthy: o.failfastAllUnhealthy,
    };
    return { stanzas: [stanza] };
  },
  combine: (configs) => ({ stanzas: configs.flatMap((c) => c.stanzas) }),
  setup(config, ctx) {
    const handler = createForward(config, { registry: ctx.registry, log: ctx.log, outbound: ctx.outbound, udp: ctx.udp });
    const taps = ctx.needAll('upstreamTap');
    ctx.onStartup(() => handler.setTaps(taps.value.map((t) => t.value)));
    ctx.onShutdown(() => handler.close());
    // For the dashboard: the upstreams' health and counts.
    ctx.offer('upstreams', handler);
    return handler;
  },
});

/** `tls`, `tls CA`, `tls CERT KEY` or `tls CERT KEY CA`: the files are read and checked now. */
function parseTls(s: Directive): TlsConfig {
  const args = expectArgs(s, 0, 3);
  const read = (t: Token): Buffer => {
    try {
      return readFileSync(t.text);
    } catch (err) {
      return configError(t, `forward: tls: cannot read ${t.text}: ${(err as Error).message}`);
    }
  };
  const [cert, key, ca] = args.length === 1 ? [null, null, read(args[0]!)] : [args[0] ? read(args[0]) : null, args[1] ? read(args[1]) : null, args[2] ? read(args[2]) : null];
  try {
    // X509Certificate throws on a file without a certificate, which createSecureContext would take as no CA.
    for (const pem of [cert, ca]) if (pem) new X509Certificate(pem);
    nodeTls().createSecureContext({ ...(cert ? { cert, key: key! } : {}), ...(ca ? { ca } : {}) });
  } catch (err) {
    configError(s, `forward: tls: ${(err as Error).message}`);
  }
  return { cert, key, ca, servername: null };
}

/** `health_check DURATION [no_rec] [domain FQDN]`. */
function parseHealthCheck(s: Directive): HealthCheckConfig {
  const args = expectArgs(s, 1, 4);
  const intervalMs = parseDuration(args[0]!, { min: 1 });
  let recursionDesired = true;
  let domain = '.';
  for (let i = 1; i < args.length; i++) {
    const t = args[i]!;
    if (t.text === 'no_rec') {
      recursionDesired = false;
    } else if (t.text === 'domain') {
      const name = args[++i];
      if (!name) configError(t, 'forward: health_check: domain needs a name');
      domain = name.text.toLowerCase().endsWith('.') ? name.text.toLowerCase() : `${name.text.toLowerCase()}.`;
      try {
        encodeName(domain);
      } catch {
        configError(name, `forward: health_check: invalid domain name ${name.text}`);
      }
    } else {
      configError(t, `forward: health_check: unknown option ${t.text}, expected no_rec or domain FQDN`);
    }
  }
  return { intervalMs, recursionDesired, domain };
}

/** An rcode by name, any case; the extended ones (above 15) live in the OPT record and are refused. */
function parseRcode(t: Token, option: string): number {
  const rcode = (Rcode as Record<string, number>)[t.text.toUpperCase()];
  if (rcode === undefined || rcode > 15) configError(t, `forward: ${option}: ${t.text} is not a valid rcode, expected one of ${Object.keys(Rcode).filter((k) => Rcode[k as keyof typeof Rcode] <= 15).join(', ')}`);
  if (option === 'failover' && rcode === Rcode.NOERROR) configError(t, 'forward: failover: NOERROR cannot be used in failover');
  return rcode;
}
