import { type LazyPlugin, PluginRegistry } from '@chaindns/core';

/**
 * The chain's order: CoreDNS's plugin.cfg, for the directives we ship. A
 * Corefile's order does not matter; this table does. Third-party plugins
 * insert themselves before or after a name in it.
 */
export const ORDER = ['multisocket', 'reload', 'nsid', 'bufsize', 'bind', 'ready', 'health', 'prometheus', 'errors', 'log', 'local', 'dns64', 'any', 'chaos', 'loadbalance', 'rewrite', 'autopath', 'acl', 'cache', 'header', 'tls', 'minimal', 'template', 'transfer', 'hosts', 'kubernetes', 'file', 'loop', 'forward', 'erratic', 'whoami'] as const;

/**
 * Each shipped directive and the package that defines it, imported only when
 * a Corefile uses the directive: `-version` and `-plugins` load none, and a
 * whoami server never loads the Kubernetes client. The imports are literal,
 * so the bundle carries every package.
 */
const builtins: readonly LazyPlugin[] = [
  { name: 'multisocket', load: async () => (await import('@chaindns/multisocket')).multisocket },
  { name: 'reload', load: async () => (await import('@chaindns/reload')).reload },
  { name: 'nsid', load: async () => (await import('@chaindns/nsid')).nsid },
  { name: 'bufsize', load: async () => (await import('@chaindns/bufsize')).bufsize },
  { name: 'bind', load: async () => (await import('@chaindns/bind')).bind },
  { name: 'ready', load: async () => (await import('@chaindns/health')).ready },
  { name: 'health', load: async () => (await import('@chaindns/health')).health },
  { name: 'prometheus', load: async () => (await import('@chaindns/metrics')).prometheus },
  { name: 'errors', load: async () => (await import('@chaindns/log')).errors },
  { name: 'log', load: async () => (await import('@chaindns/log')).log },
  { name: 'local', load: async () => (await import('@chaindns/local')).local },
  { name: 'dns64', load: async () => (await import('@chaindns/dns64')).dns64 },
  { name: 'any', load: async () => (await import('@chaindns/any')).any },
  { name: 'chaos', load: async () => (await import('@chaindns/chaos')).chaos },
  { name: 'loadbalance', load: async () => (await import('@chaindns/loadbalance')).loadbalance },
  { name: 'rewrite', load: async () => (await import('@chaindns/rewrite')).rewrite },
  { name: 'autopath', load: async () => (await import('@chaindns/autopath')).autopath },
  { name: 'acl', load: async () => (await import('@chaindns/acl')).acl },
  { name: 'cache', load: async () => (await import('@chaindns/cache')).cache },
  { name: 'header', load: async () => (await import('@chaindns/header')).header },
  { name: 'tls', load: async () => (await import('@chaindns/tls')).tls },
  { name: 'minimal', load: async () => (await import('@chaindns/minimal')).minimal },
  { name: 'template', load: async () => (await import('@chaindns/template')).template },
  { name: 'transfer', load: async () => (await import('@chaindns/transfer')).transfer },
  { name: 'hosts', load: async () => (await import('@chaindns/hosts')).hosts },
  { name: 'kubernetes', load: async () => (await import('@chaindns/kubernetes')).kubernetes },
  { name: 'file', load: async () => (await import('@chaindns/file')).file },
  { name: 'loop', load: async () => (await import('@chaindns/loop')).loop },
  { name: 'forward', load: async () => (await import('@chaindns/forward')).forward },
  { name: 'erratic', load: async () => (await import('@chaindns/erratic')).erratic },
  { name: 'whoami', load: async () => (await import('@chaindns/whoami')).whoami },
];

/** A registry of the built-in plugins, in chain order; each package loads when first used. */
export function defaultRegistry(): PluginRegistry {
  return new PluginRegistry(ORDER, builtins);
}
