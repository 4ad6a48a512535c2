import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AnyPluginDefinition, ChainDNSError } from '@chaindns/core';

/** The npm package that provides a directive chaindns does not ship: `chaindns-plugin-<name>`. */
export function packageFor(directive: string): string {
  return `chaindns-plugin-${directive}`;
}

/**
 * Loads a third-party plugin by the naming convention, from the
 * node_modules of `from` (default: the working directory), else from
 * wherever chaindns itself resolves packages. Undefined when none is installed.
 */
export async function loadThirdParty(directive: string, from = process.cwd()): Promise<AnyPluginDefinition | undefined> {
  const name = packageFor(directive);
  let url: string;
  try {
    url = pathToFileURL(createRequire(join(from, 'noop.js')).resolve(name)).href;
  } catch {
    try {
      url = import.meta.resolve(name);
    } catch {
      return undefined;
    }
  }
  const mod = (await import(url)) as { default?: AnyPluginDefinition };
  const definition = mod.default;
  if (!definition || definition.name !== directive) {
    throw new ChainDNSError('CHAINDNS_PLUGIN_NOT_FOUND', `package ${name} must default-export the definition of the "${directive}" plugin (definePlugin)`);
  }
  return definition;
}
