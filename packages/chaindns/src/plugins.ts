import { type AnyPluginDefinition, PluginRegistry } from '@chaindns/core';
import { bind } from '@chaindns/bind';
import { cache } from '@chaindns/cache';
import { forward } from '@chaindns/forward';
import { health, ready } from '@chaindns/health';
import { kubernetes } from '@chaindns/kubernetes';
import { loadbalance } from '@chaindns/loadbalance';
import { errors, log } from '@chaindns/log';
import { loop } from '@chaindns/loop';
import { prometheus } from '@chaindns/metrics';
import { reload } from '@chaindns/reload';
import { whoami } from '@chaindns/whoami';

/**
 * The chain's order: CoreDNS's plugin.cfg, for the directives we ship. A
 * Corefile's order does not matter; this table does. Third-party plugins
 * insert themselves before or after a name in it.
 */
export const ORDER = ['reload', 'bind', 'ready', 'health', 'prometheus', 'errors', 'log', 'loadbalance', 'cache', 'kubernetes', 'loop', 'forward', 'whoami'] as const;

const builtins: readonly AnyPluginDefinition[] = [reload, bind, ready, health, prometheus, errors, log, loadbalance, cache, kubernetes, loop, forward, whoami];

/** A registry of the built-in plugins, in chain order. */
export function defaultRegistry(): PluginRegistry {
  return new PluginRegistry(ORDER, builtins);
}
