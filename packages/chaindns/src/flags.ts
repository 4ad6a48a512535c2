import { ChainDNSError } from '@chaindns/core';

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
}

const booleans = new Set(['plugins', 'version', 'quiet', 'help', 'h']);
const valued = new Set(['conf', 'dns.port', 'pidfile', 'udp']);

export const USAGE = `Usage of chaindns:
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
        Show version`;

export function parseFlags(argv: readonly string[]): Flags {
  const values = new Map<string, string>();
  const set = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new ChainDNSError('CHAINDNS_STATE', `unexpected argument "${arg}"\n${USAGE}`);
    const name = m[1]!;
    if (booleans.has(name)) {
      if (m[2] === undefined || m[2] === 'true') set.add(name);
      continue;
    }
    if (!valued.has(name)) throw new ChainDNSError('CHAINDNS_STATE', `flag provided but not defined: -${name}\n${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new ChainDNSError('CHAINDNS_STATE', `flag needs an argument: -${name}\n${USAGE}`);
    values.set(name, value);
  }
  const port = values.get('dns.port');
  if (port !== undefined && !/^\d+$/.test(port)) throw new ChainDNSError('CHAINDNS_STATE', `invalid value "${port}" for flag -dns.port`);
  return {
    conf: values.get('conf') ?? 'Corefile',
    dnsPort: port === undefined ? undefined : Number(port),
    plugins: set.has('plugins'),
    version: set.has('version'),
    quiet: set.has('quiet'),
    pidfile: values.get('pidfile'),
    help: set.has('help') || set.has('h'),
    udp: values.get('udp'),
  };
}
