// The peers chaindns is measured beside, each as a command line (and a config
// file written into bench/out) for a port on 127.0.0.1 in front of one
// upstream: dnsmasq (the kube-dns front cache), unbound (a recursive cache,
// here forwarding everything), dnsdist (a caching load balancer). Each runs on
// one thread, in the foreground, with a cache, and never queries anything but
// the upstream. A peer whose binary is missing is left out of the run (`have`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { have } from './procs.js';

/** Debian packages of the peers, for the run to name when one is missing. */
export const PEER_PACKAGES = { dnsmasq: 'dnsmasq-base', unbound: 'unbound', dnsdist: 'dnsdist' };

const PEERS = {
  dnsmasq: (port, upstreamPort) => [
    'dnsmasq',
    // --conf-file=/dev/null, --no-hosts and an empty --pid-file keep the host's dnsmasq setup out of it.
    ['--no-daemon', '--cache-size=10000', '--no-resolv', `--server=127.0.0.1#${upstreamPort}`, `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--conf-file=/dev/null', '--no-hosts', '--pid-file='],
  ],
  unbound: (port, upstreamPort, out, threads) => {
    const conf = join(out, `unbound-${port}.conf`);
    const server = {
      interface: `127.0.0.1@${port}`,
      port,
      'do-daemonize': 'no',
      'num-threads': threads,
      // Each thread its own socket on the port (SO_REUSEPORT), as chaindns's workers.
      'so-reuseport': threads > 1 ? 'yes' : 'no',
      username: '""',
      chroot: '""',
      directory: `"${out}"`,
      pidfile: '""',
      'use-syslog': 'no',
      logfile: '""',
      verbosity: 0,
      'access-control': '127.0.0.0/8 allow',
      'do-not-query-localhost': 'no',
      // A forwarder with a cache: no validation, no query name minimisation (each would send more upstream).
      'module-config': '"iterator"',
      'qname-minimisation': 'no',
      'do-ip6': 'no',
      'so-rcvbuf': '4m',
      'msg-cache-size': '64m',
      'rrset-cache-size': '128m',
      'outgoing-range': 1024,
      'num-queries-per-thread': 1024,
      'incoming-num-tcp': 100,
    };
    writeFileSync(conf, `server:\n${Object.entries(server).map(([k, v]) => `  ${k}: ${v}\n`).join('')}forward-zone:\n  name: "."\n  forward-addr: 127.0.0.1@${upstreamPort}\n`);
    return ['unbound', ['-d', '-c', conf]];
  },
  dnsdist: (port, upstreamPort, out, threads) => {
    const conf = join(out, `dnsdist-${port}.conf`);
    // One listener (a receiving thread) per `threads`, sharing the port with SO_REUSEPORT past the first.
    const locals = Array.from({ length: threads }, (_, i) => `${i === 0 ? 'setLocal' : 'addLocal'}('127.0.0.1:${port}'${threads > 1 ? ', {reusePort=true}' : ''})`).join('\n');
    // No security polling (a query to the Internet); health checks only when queries fail.
    writeFileSync(conf, `${locals}\nsetSecurityPollSuffix('')\nnewServer({address='127.0.0.1:${upstreamPort}', healthCheckMode='lazy'})\ngetPool(''):setCache(newPacketCache(100000))\n`);
    return ['dnsdist', ['--supervised', '--disable-syslog', '-C', conf]];
  },
};

/** True when the peer's binary is installed. */
export function havePeer(name) {
  return have(name);
}

/**
 * The command line of peer `name` serving `port` in front of `upstreamPort` (its config written into
 * `out`), on `threads` threads (unbound's num-threads, dnsdist's listeners; dnsmasq has one).
 */
export function peerCommand(name, port, upstreamPort, out, threads = 1) {
  return PEERS[name](port, upstreamPort, out, threads);
}
