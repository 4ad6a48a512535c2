/**
 * Stand-ins for the plugins the README examples name after rewrite (a plugin
 * imports no other, tests included). Each answers from the name it is asked,
 * and says what it saw in `seen.invalid. TXT "<qname> <qtype> <options>"` in
 * the additional section, a name no rule of the examples touches.
 */
import { type AnyPluginDefinition, definePlugin, findOpt, type Next, Rcode, reply, type Request, type ResponseWriter } from '@chaindns/core';
import { rr } from '@chaindns/core/testing';
import { readOptions } from '../src/edns-options.js';

/** `<qname> <qtype> <code>=<hex>,...` of a query. */
export function seenText(req: Request): string {
  const opt = req.edns ? findOpt(req.msg) : -1;
  const options = opt < 0 ? '-' : readOptions(req.msg, opt).map((o) => `${o.code}=${Buffer.from(o.data).toString('hex')}`).join(',') || 'none';
  return `${req.qnameRaw} ${req.qtypeName} ${options}`;
}

function answer(req: Request, w: ResponseWriter, answers: string[], extra: string[] = []): number {
  const seen = `seen.invalid. 0 IN TXT "${seenText(req)}"`;
  w.write(reply(req, { answers: answers.map(rr), additionals: [...extra, seen].map(rr) }));
  return 0;
}

function standIn(name: string, serve: (req: Request, w: ResponseWriter, next: Next) => number | Promise<number>, anyClass = false): AnyPluginDefinition {
  return definePlugin<null>({ name, anyClass, parse: () => null, setup: () => ({ name, serveDNS: serve }) }) as AnyPluginDefinition;
}

/** `forward`: an upstream that knows every name; like the real one, it lets every class into its block. */
export const forward = standIn('forward', (req, w) => {
  const name = req.qname;
  if (name.startsWith('fail.') || name === 'other.coredns.rocks.') return Rcode.SERVFAIL;
  if (name === 'my-app.com.') {
    return answer(req, w, [
      'my-app.com. 200 IN CNAME my-app.example.',
      'my-app.example. 200 IN CNAME my-app.com.cdn.example.net.',
      'my-app.com.cdn.example.net. 300 IN A 20.2.0.1',
      'my-app.com.cdn.example.net. 300 IN A 20.2.0.2',
    ]);
  }
  if (name.endsWith('.other.cdn.com.')) return answer(req, w, [`${name} 100 IN A 30.3.1.2`]);
  if (name.endsWith('.arpa.') && req.qtypeName === 'PTR') return answer(req, w, [`${name} 60 IN PTR ftp-us-west-1.service.consul.`]);
  if (name.startsWith('alias.')) {
    const target = `target.${name.slice('alias.'.length)}`;
    return answer(req, w, [`${name} 30 IN CNAME ${target}`, `${target} 30 IN A 192.0.2.54`]);
  }
  if (req.qtypeName === 'SRV') return answer(req, w, [`${name} 30 IN SRV 0 100 80 pod-0.${name}`], [`pod-0.${name} 30 IN A 10.0.0.2`]);
  if (req.qtypeName === 'TXT') return answer(req, w, [`${name} 0 IN TXT "from IN"`]);
  return answer(req, w, [`${name} 5 IN A 192.0.2.53`]);
}, true);

/** `kubernetes`: cluster.local names only, the rest passed on. */
export const kubernetes = standIn('kubernetes', (req, w, next) => {
  const name = req.qname;
  if (!name.endsWith('.cluster.local.')) return next(req, w);
  if (req.qtypeName === 'SRV') return answer(req, w, [`${name} 5 IN SRV 0 100 80 web.default.svc.cluster.local.`], ['web.default.svc.cluster.local. 5 IN A 10.96.0.10']);
  if (name.startsWith('alias.')) return answer(req, w, [`${name} 5 IN CNAME web.default.svc.cluster.local.`, 'web.default.svc.cluster.local. 5 IN A 10.96.0.10']);
  return answer(req, w, [`${name} 5 IN A 10.96.0.10`]);
});

/** `whoami`: the client's address, in the additional section. */
export const whoami = standIn('whoami', (req, w) => answer(req, w, [], [`${req.qnameRaw} 0 IN A ${req.remote.address}`]));

/** The plugins the README examples use, in chain order (CoreDNS's plugin.cfg). */
export function plugins(rewrite: AnyPluginDefinition): AnyPluginDefinition[] {
  return [rewrite, kubernetes, forward, whoami];
}
