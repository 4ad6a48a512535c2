import { readFileSync } from 'node:fs';
import { configError, definePlugin, encodeName, expectNoBlock, parseZones, resolvConfSearch, type SearchPathProvider, type Token } from '@chaindns/core';
import { createAutopath } from './autopath.js';
import { autopathMetrics } from './metrics.js';

export interface AutopathConfig {
  /** The zones autopath works in: its arguments before RESOLV-CONF, else the server block's. */
  readonly zones: readonly string[];
  /** RESOLV-CONF: `@NAME`, the plugin of the block that gives each client's search path, or a resolv.conf file. */
  readonly resolvConf: { readonly plugin: string } | { readonly file: string };
  /** Where RESOLV-CONF was written, for what setup finds wrong with it. */
  readonly at: Token;
}

/** `autopath [ZONE...] RESOLV-CONF`. */
export const autopath = definePlugin<AutopathConfig>({
  name: 'autopath',
  parse(d, ctx) {
    expectNoBlock(d);
    const at = d.args[d.args.length - 1];
    if (at === undefined) configError(d, 'autopath: no resolv-conf specified');
    const zones = parseZones(d.args.slice(0, -1), ctx.zones);
    if (!at.text.startsWith('@')) return { zones, resolvConf: { file: at.text }, at };
    const plugin = at.text.slice(1);
    if (plugin === '') configError(at, 'autopath: "@" needs the name of a plugin, as in @kubernetes');
    return { zones, resolvConf: { plugin }, at };
  },
  setup(config, ctx) {
    const metrics = autopathMetrics(ctx.registry);
    let provider: SearchPathProvider;
    if ('plugin' in config.resolvConf) {
      // Found once every setup of the block has run; the start fails here when the plugin offers no search path.
      const offered = ctx.need(config.resolvConf.plugin, 'searchPath', config.at);
      provider = { searchPath: (req) => offered.value.searchPath(req) };
    } else {
      const path = [...readSearch(config.resolvConf.file, config.at), '.'];
      if (path.length === 1) ctx.log.warn(`no search domain in ${config.resolvConf.file}: nothing to complete`);
      provider = { searchPath: () => path };
    }
    return createAutopath({ zones: config.zones, provider, success: metrics.success });
  },
});

/** The search list of a resolv.conf file, each domain checked to be a name; a failure names the Corefile's line. */
function readSearch(file: string, at: Token): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    configError(at, `autopath: failed to parse "${file}": ${(err as Error).message}`);
  }
  const search = resolvConfSearch(text);
  for (const domain of search) {
    try {
      encodeName(domain);
    } catch {
      configError(at, `autopath: failed to parse "${file}": search domain "${domain}" is not a domain name`);
    }
  }
  return search;
}
