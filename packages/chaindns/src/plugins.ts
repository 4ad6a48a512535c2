import { type LazyPlugin, PluginRegistry } from '@chaindns/core';

/**
 * The chain's order: CoreDNS's plugin.cfg, for the directives we ship. A
 * Corefile's order does not matter; this table does. Third-party plugins
 * insert themselves before or after a name in it.
 */
export const ORDER = ['metadata', 'multisocket', 'reload', 'nsid', 'bufsize', 'bind', 'debug', 'ready', 'health', 'prometheus', 'dashboard', 'errors', 'log', 'dnstap', 'local', 'dns64', 'any', 'chaos', 'loadbalance', 'rewrite', 'autopath', 'acl', 'cache', 'header', 'tls', 'minimal', 'template', 'transfer', 'hosts', 'k8s_external', 'kubernetes', 'file', 'secondary', 'etcd', 'loop', 'forward', 'erratic', 'whoami', 'view'] as const;

/**
 * Each shipped directive and the package that defines it, imported only when
 * a Corefile uses the directive: `-version` and `-plugins` load none, and a
 * whoami server never loads the Kubernetes client. The imports are literal,
 * so the bundle carries every package.
 */
const builtins: readonly LazyPlugin[] = [
  { name: 'metadata', load: async () => (await import('@chaindns/metadata')).metadata },
  { name: 'multisocket', load: async () => (await import('@chaindns/multisocket')).multisocket },
  { name: 'reload', load: async () => (await import('@chaindns/reload')).reload },
  { name: 'nsid', load: async () => (await import('@chaindns/nsid')).nsid },
  { name: 'bufsize', load: async () => (await import('@chaindns/bufsize')).bufsize },
  { name: 'bind', load: async () => (await import('@chaindns/bind')).bind },
  { name: 'debug', load: async () => (await import('@chaindns/debug')).debug },
  { name: 'ready', load: async () => (await import('@chaindns/health')).ready },
  { name: 'health', load: async () => (await import('@chaindns/health')).health },
  { name: 'prometheus', load: async () => (await import('@chaindns/metrics')).prometheus },
  { name: 'dashboard', load: async () => (await import('@chaindns/dashboard')).dashboard },
  { name: 'errors', load: async () => (await import('@chaindns/log')).errors },
  { name: 'log', load: async () => (await import('@chaindns/log')).log },
  { name: 'dnstap', load: async () => (await import('@chaindns/dnstap')).dnstap },
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
  { name: 'k8s_external', load: async () => (await import('@chaindns/k8s_external')).k8s_external },
  { name: 'kubernetes', load: async () => (await import('@chaindns/kubernetes')).kubernetes },
  { name: 'file', load: async () => (await import('@chaindns/file')).file },
  { name: 'secondary', load: async () => (await import('@chaindns/secondary')).secondary },
  { name: 'etcd', load: async () => (await import('@chaindns/etcd')).etcd },
  { name: 'loop', load: async () => (await import('@chaindns/loop')).loop },
  { name: 'forward', load: async () => (await import('@chaindns/forward')).forward },
  { name: 'erratic', load: async () => (await import('@chaindns/erratic')).erratic },
  { name: 'whoami', load: async () => (await import('@chaindns/whoami')).whoami },
  { name: 'view', load: async () => (await import('@chaindns/view')).view },
];

/** A registry of the built-in plugins, in chain order; each package loads when first used. */
export function defaultRegistry(): PluginRegistry {
  return new PluginRegistry(ORDER, builtins);
}
