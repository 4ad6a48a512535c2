import { type AnyPluginDefinition, PluginRegistry } from '@chaindns/core';
import { bind } from '@chaindns/bind';
import { whoami } from '@chaindns/whoami';

/**
 * The chain's order: CoreDNS's plugin.cfg, for the directives we ship. A
 * Corefile's order does not matter; this table does. Third-party plugins
 * insert themselves before or after a name in it.
 */
export const ORDER = ['bind', 'whoami'] as const;

const builtins: readonly AnyPluginDefinition[] = [bind, whoami];

/** A registry of the built-in plugins, in chain order. */
export function defaultRegistry(): PluginRegistry {
  return new PluginRegistry(ORDER, builtins);
}
