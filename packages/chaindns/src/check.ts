import { type AnyPluginDefinition, type Corefile, duplicateKeys, hasView, loadPlugins, parseCorefile, planBlock, type PluginRegistry, readCorefile } from '@chaindns/core';
import { checkFiles } from './check-files.js';
import { checkListeners, type PlannedBlock } from './check-listeners.js';
import { type CheckReport, Findings } from './findings.js';
import { unknownDirectiveHint } from './lacking.js';
import { defaultRegistry } from './plugins.js';
import { corefileOf } from './start.js';
import { loadThirdParty } from './third-party.js';

export interface CheckOptions {
  /** The Corefile's path (`-conf`). Default `Corefile`; when that is absent, the server's default. */
  readonly conf?: string;
  /** The port for keys that name none (`-dns.port`). Default 53. */
  readonly dnsPort?: number;
  /** Third-party plugins given as values, as `start()` takes them. */
  readonly plugins?: readonly AnyPluginDefinition[];
  /** Where third-party plugin packages are looked up. Default the working directory. */
  readonly pluginsFrom?: string;
  /** The environment for `{$VAR}`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * What a start of this Corefile would meet, without starting it: the
 * Corefile and its imports are read, the packages of its directives loaded
 * and each directive parsed (no setup runs: nothing is opened, bound or
 * contacted). Errors carry the server's own messages.
 */
export async function check(options: CheckOptions = {}): Promise<CheckReport> {
  const conf = options.conf ?? 'Corefile';
  const findings = new Findings();
  const env = options.env ?? process.env;
  const read = { defaultPort: options.dnsPort ?? 53, env };
  let corefile: Corefile;
  try {
    const source = corefileOf(conf);
    corefile = typeof source === 'string' ? parseCorefile(source, read) : readCorefile(source.path, read);
    if (typeof source === 'string') findings.warn(null, `${conf}: no such file: chaindns serves its default Corefile (whoami on .)`);
  } catch (err) {
    findings.error(err);
    return findings.report(conf);
  }
  const registry = defaultRegistry();
  for (const p of options.plugins ?? []) registry.add(p);
  try {
    await loadPlugins(corefile, registry, (name) => loadThirdParty(name, options.pluginsFrom));
  } catch (err) {
    findings.error(err);
    return findings.report(conf);
  }
  const blocks: PlannedBlock[] = corefile.blocks.map((block) => ({
    block,
    planned: planBlock(block, registry, {
      warn: (token, message) => findings.warn(token, message),
      error: (err, at) => findings.error(err, at.token, registry.has(at.name) ? undefined : unknownDirectiveHint(at.name, registry.names())),
    }),
  }));
  for (const err of duplicateKeys(corefile.blocks, blocks.map((b) => hasView(b.planned)))) findings.error(err);
  for (const b of blocks) {
    checkFiles(b.planned, findings);
    lintFallthrough(b, registry, findings);
  }
  await checkListeners(blocks, findings);
  return findings.report(conf);
}

/**
 * `fallthrough` without zones in `kubernetes`, when a plugin comes after it:
 * every cluster name that does not exist goes on (to `forward`: upstream),
 * and with the search path of pods (ndots 5) most lookups of outside names
 * try several such names first.
 */
function lintFallthrough({ block }: PlannedBlock, registry: PluginRegistry, findings: Findings): void {
  const k8s = block.directives.find((d) => d.name === 'kubernetes');
  const fallthrough = k8s?.block?.find((d) => d.name === 'fallthrough');
  if (!k8s || !fallthrough || fallthrough.args.length > 0) return;
  const after = block.directives.filter((d) => registry.has(d.name) && registry.rank(d.name) > registry.rank('kubernetes')).map((d) => d.name);
  if (after.length === 0) return;
  findings.warn(
    fallthrough.token,
    `kubernetes: fallthrough without zones passes every name of its zones that does not exist on to ${[...new Set(after)].join(', ')}: the search-path lookups of every pod go there too; CoreDNS's Kubernetes Corefile has "fallthrough in-addr.arpa ip6.arpa"`,
  );
}
