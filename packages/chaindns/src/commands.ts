import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ChainDNSError } from '@chaindns/core';
import { check } from './check.js';
import { formatReport } from './findings.js';
import { dnsPortFlag, readFlags, USAGE } from './flags.js';
import { migrateCorefile, parseVersion } from './migrate-corefile.js';
import { migrateKubeDns, readConfigMap } from './migrate-kube-dns.js';

function usage(): number {
  console.log(USAGE);
  return 0;
}

/** `chaindns check [-conf FILE] [-dns.port N] [--json]`: 0 when the server would start, 1 when not. */
export async function runCheck(argv: readonly string[]): Promise<number> {
  const flags = readFlags(argv, { booleans: ['json', 'help', 'h'], valued: ['conf', 'dns.port'] });
  if (flags.set.has('help') || flags.set.has('h')) return usage();
  const dnsPort = dnsPortFlag(flags);
  const report = await check({ conf: flags.values.get('conf') ?? 'Corefile', ...(dnsPort !== undefined ? { dnsPort } : {}) });
  console.log(flags.set.has('json') ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? 0 : 1;
}

const same = (a: string, b: string): boolean => (existsSync(a) && existsSync(b) ? realpathSync(a) === realpathSync(b) : resolve(a) === resolve(b));

/** Writes the result to `-o FILE` (never the input) or stdout; the notes go to stderr. */
function emit(output: string, out: string | undefined, input: string | null, notes: readonly string[]): void {
  if (out !== undefined && input !== null && same(out, input)) throw new ChainDNSError('CHAINDNS_OPTIONS', `-o ${out}: that is the input, which migrate never touches; write elsewhere`);
  for (const note of notes) console.error(note);
  if (out === undefined) process.stdout.write(output);
  else writeFileSync(out, output);
}

/**
 * `chaindns migrate kube-dns [--configmap FILE|-] [--domain D] [-o FILE]` and
 * `chaindns migrate corefile [-conf FILE] [--from VERSION] [-o FILE]`.
 */
export async function runMigrate(argv: readonly string[]): Promise<number> {
  const [what, ...rest] = argv;
  if (what === 'kube-dns') {
    const flags = readFlags(rest, { booleans: ['help', 'h'], valued: ['configmap', 'domain', 'o'] });
    if (flags.set.has('help') || flags.set.has('h')) return usage();
    const path = flags.values.get('configmap');
    const file = path === '-' ? undefined : path;
    const source = path === undefined ? 'no ConfigMap (the defaults)' : (file ?? 'stdin');
    const data = path === undefined ? null : readConfigMap(readFileSync(file ?? 0, 'utf8'), source);
    const domain = flags.values.get('domain');
    const result = migrateKubeDns(data, { source, ...(domain !== undefined ? { domain } : {}) });
    emit(result.corefile, flags.values.get('o'), file ?? null, result.notes.map((n) => `${source}: ${n}`));
    return 0;
  }
  if (what === 'corefile') {
    const flags = readFlags(rest, { booleans: ['help', 'h'], valued: ['conf', 'from', 'o'] });
    if (flags.set.has('help') || flags.set.has('h')) return usage();
    const conf = flags.values.get('conf') ?? 'Corefile';
    const fromText = flags.values.get('from');
    const text = readFileSync(conf, 'utf8');
    const result = migrateCorefile(text, { file: conf, ...(fromText !== undefined ? { from: parseVersion(fromText) } : {}) });
    const notes = result.changes.map((c) => `${c.file}:${c.line}: ${c.message}`);
    emit(result.corefile, flags.values.get('o'), conf, [...notes, `${conf}: ${notes.length === 0 ? 'nothing to change' : `${notes.length} change${notes.length === 1 ? '' : 's'}`}`]);
    return 0;
  }
  if (what === '-h' || what === '-help' || what === '--help') return usage();
  throw new ChainDNSError('CHAINDNS_STATE', `migrate: expected kube-dns or corefile, got ${what === undefined ? 'nothing' : `"${what}"`}\n${USAGE}`);
}
