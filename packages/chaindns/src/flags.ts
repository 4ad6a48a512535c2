import { ChainDNSError } from '@chaindns/core';
import { parseWorkers } from './workers.js';

/** CoreDNS's command line, as Go's flag package reads it (`-conf x`, `--conf=x`). */
export interface Flags {
  readonly conf: string;
  readonly dnsPort: number | undefined;
  readonly plugins: boolean;
  readonly version: boolean;
  readonly quiet: boolean;
  readonly pidfile: string | undefined;
  readonly help: boolean;
  /** The UDP transport: auto, native or dgram (chaindns's own flag). */
  readonly udp: string | undefined;
  /** Worker threads: a number, or auto (chaindns's own flag). */
  readonly workers: number | 'auto' | undefined;
}

export const USAGE = `Usage of chaindns:
  chaindns [flags]                 serve the Corefile
  chaindns check [-conf FILE] [-dns.port N] [--json]
                                   report what would stop the server, without starting it
  chaindns migrate kube-dns [--configmap FILE.yaml|-] [--domain DOMAIN] [-o FILE]
                                   a Corefile from the kube-dns ConfigMap
  chaindns migrate corefile [-conf FILE] [--from VERSION] [-o FILE]
                                   rewrites what CoreDNS removed or renamed since VERSION
  chaindns top [URL]               the dashboard plugin's live figures in this terminal
                                   (URL default http://127.0.0.1:8053/)
Flags:
  -conf string
        Corefile to load (default "Corefile")
  -dns.port string
        Default port (default "53")
  -pidfile string
        Path to write pid file
  -plugins
        List installed plugins
  -quiet
        Quiet mode (no initialization output)
  -udp string
        UDP transport: auto (batched native when it loads), native or dgram (default "auto", or $CHAINDNS_UDP)
  -version
        Show version
  -workers string
        Worker threads, each with its own sockets on every listener: a number, or auto (the CPUs
        the process may use, within its container's CPU quota) (default 1, or the Corefile's multisocket)`;

/** A command's flags: which take no value, and which take one. */
export interface FlagSpec {
  readonly booleans: readonly string[];
  readonly valued: readonly string[];
}

/** What a command line held: the boolean flags given, and each valued flag's value. */
export interface ReadFlags {
  readonly set: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
}

function usageError(message: string): never {
  throw new ChainDNSError('CHAINDNS_STATE', `${message}\n${USAGE}`);
}

/** Reads `argv` as Go's flag package does: `-name`, `--name`, `-name value`, `-name=value`; a boolean takes `=true`/`=false`. */
export function readFlags(argv: readonly string[], spec: FlagSpec): ReadFlags {
  const values = new Map<string, string>();
  const set = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) usageError(`unexpected argument "${arg}"`);
    const name = m[1]!;
    if (spec.booleans.includes(name)) {
      if (m[2] === undefined || m[2] === 'true') set.add(name);
      continue;
    }
    if (!spec.valued.includes(name)) usageError(`flag provided but not defined: -${name}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) usageError(`flag needs an argument: -${name}`);
    values.set(name, value);
  }
  return { set, values };
}

/** `-dns.port`'s value, a port number. */
export function dnsPortFlag(flags: ReadFlags): number | undefined {
  const port = flags.values.get('dns.port');
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) > 65535)) throw new ChainDNSError('CHAINDNS_STATE', `invalid value "${port}" for flag -dns.port`);
  return port === undefined ? undefined : Number(port);
}

export function parseFlags(argv: readonly string[]): Flags {
  const flags = readFlags(argv, { booleans: ['plugins', 'version', 'quiet', 'help', 'h'], valued: ['conf', 'dns.port', 'pidfile', 'udp', 'workers'] });
  return {
    conf: flags.values.get('conf') ?? 'Corefile',
    dnsPort: dnsPortFlag(flags),
    plugins: flags.set.has('plugins'),
    version: flags.set.has('version'),
    quiet: flags.set.has('quiet'),
    pidfile: flags.values.get('pidfile'),
    help: flags.set.has('help') || flags.set.has('h'),
    udp: flags.values.get('udp'),
    workers: parseWorkers(flags.values.get('workers')),
  };
}
