/** Zone files the tests serve, shaped after CoreDNS's file plugin tests, and a handler over them. */
import { type Handler, type Request, silentLogger } from '@chaindns/core';
import { createFile, loadZone, ZoneSet, ZoneSlot } from '../src/index.js';

/** A handler serving `zones` (origin → master file text) as the plugin would. */
export function fileHandler(zones: Record<string, string>, options: { fallthrough?: string[]; resolve?: (qname: string, qtype: number, via: Request) => Promise<Buffer>; last?: boolean } = {}): Handler {
  const set = new ZoneSet(Object.keys(zones).map((origin) => new ZoneSlot(origin, `/zones/db.${origin}`)));
  for (const slot of set.slots) set.swap(slot, loadZone(slot.path, slot.origin, zones[slot.origin]!), 0);
  return createFile({
    zones: set,
    fallthrough: options.fallthrough ?? null,
    resolve: options.resolve ?? (() => Promise.reject(new Error('no server in a handler test'))),
    last: options.last ?? false,
    log: silentLogger,
  });
}

export const MIEK_NL = `
$TTL    30M
$ORIGIN miek.nl.
@       IN      SOA     linode.atoom.net. miek.miek.nl. (
                             1282630057 ; Serial
                             4H         ; Refresh
                             1H         ; Retry
                             7D         ; Expire
                             4H )       ; Negative Cache TTL
                IN      NS      linode.atoom.net.
                IN      NS      ns-ext.nlnetlabs.nl.
                IN      NS      omval.tednet.nl.
                IN      NS      ext.ns.whyscream.net.

                IN      MX      1  aspmx.l.google.com.
                IN      MX      5  alt1.aspmx.l.google.com.
                IN      MX      5  alt2.aspmx.l.google.com.
                IN      MX      10 aspmx2.googlemail.com.
                IN      MX      10 aspmx3.googlemail.com.

                IN      A       139.162.196.78
                IN      AAAA    2a01:7e00::f03c:91ff:fef1:6735

a               IN      A       139.162.196.78
                IN      AAAA    2a01:7e00::f03c:91ff:fef1:6735
www             IN      CNAME   a
archive         IN      CNAME   a
*.x             IN      CNAME   www
b.x             IN      CNAME   a
*.y             IN      A       139.162.196.78
dname           IN      DNAME   x

srv             IN      SRV     10 10 8080 a.miek.nl.
mx              IN      MX      10 a.miek.nl.

txt     IN      TXT     "v=spf1 a mx ~all"
multi   IN      TXT     "first string" "second; with a semicolon" unquoted
caa     IN      CAA     0 issue letsencrypt.org
*.nodata        IN      A      139.162.196.79
ext-cname       IN      CNAME  example.com.
`;

export const MIEK_AUTH = [
  'miek.nl. 1800 IN NS linode.atoom.net.',
  'miek.nl. 1800 IN NS ns-ext.nlnetlabs.nl.',
  'miek.nl. 1800 IN NS omval.tednet.nl.',
  'miek.nl. 1800 IN NS ext.ns.whyscream.net.',
];
export const MIEK_SOA = 'miek.nl. 1800 IN SOA linode.atoom.net. miek.miek.nl. 1282630057 14400 3600 604800 14400';

export const DELEGATED_MIEK_NL = `
$TTL    30M
$ORIGIN miek.nl.
@       IN      SOA     linode.atoom.net. miek.miek.nl. ( 1282630057 4H 1H 7D 4H )
                IN      NS      linode.atoom.net.
                IN      NS      ns-ext.nlnetlabs.nl.
                IN      NS      omval.tednet.nl.
                IN      NS      ext.ns.whyscream.net.

delegated       IN      NS      a.delegated
                IN      NS      ns-ext.nlnetlabs.nl.

a.delegated     IN      TXT     "obscured"
                IN      A       139.162.196.78
                IN      AAAA    2a01:7e00::f03c:91ff:fef1:6735

a               IN      A       139.162.196.78
                IN      AAAA    2a01:7e00::f03c:91ff:fef1:6735
www             IN      CNAME   a
`;

/** A zone signed as dnssec-signzone writes it (signatures shortened: nothing here validates them). */
export const SIGNED_MIEK_NL = `
miek.nl.	1800	IN SOA	linode.atoom.net. miek.miek.nl. ( 1282630057 14400 3600 604800 14400 )
		1800	RRSIG	SOA 8 2 1800 20160426031301 20160327031301 12051 miek.nl. ( RklyenkwN2FjQmJ0eVFjenkxZGM= )
		1800	NS	ext.ns.whyscream.net.
		1800	NS	linode.atoom.net.
		1800	RRSIG	NS 8 2 1800 20160426031301 20160327031301 12051 miek.nl. Wkx0c1Fod2F6YnFTcHp0Rm9SMVZ4cw==
		1800	MX	1 aspmx.l.google.com.
		1800	RRSIG	MX 8 2 1800 20160426031301 20160327031301 12051 miek.nl. a0xxRytpT3I=
		1800	AAAA	2a01:7e00::f03c:91ff:fef1:6735
		1800	RRSIG	AAAA 8 2 1800 20160426031301 20160327031301 12051 miek.nl. U3NSVA==
		14400	NSEC	a.miek.nl. NS SOA MX AAAA RRSIG NSEC DNSKEY
		14400	RRSIG	NSEC 8 2 14400 20160426031301 20160327031301 12051 miek.nl. bUZmYzNyLzlQU0MxSDZvU3BkQw==
		1800	DNSKEY	256 3 8 AwEAAcNEU67LJI5GEgF9QLNqLO1SMq1EdoQ6E9f85ha0k0ewQGCblyW2
		1800	RRSIG	DNSKEY 8 2 1800 20160426031301 20160327031301 12051 miek.nl. cDFsLzcvVW1Kek5K
a.miek.nl.	1800	IN A	139.162.196.78
		1800	RRSIG	A 8 3 1800 20160426031301 20160327031301 12051 miek.nl. bHhMb3RDaldaM2tpaFR4aw==
		1800	AAAA	2a01:7e00::f03c:91ff:fef1:6735
		1800	RRSIG	AAAA 8 3 1800 20160426031301 20160327031301 12051 miek.nl. UWgzTzJlM1E=
		14400	NSEC	archive.miek.nl. A AAAA RRSIG NSEC
		14400	RRSIG	NSEC 8 3 14400 20160426031301 20160327031301 12051 miek.nl. R3FuRjZjdXRpcG1TSEVhbw==
archive.miek.nl. 1800	IN CNAME a.miek.nl.
		1800	RRSIG	CNAME 8 3 1800 20160426031301 20160327031301 12051 miek.nl. anpMd2pTRTI=
		14400	NSEC	go.dns.miek.nl. CNAME RRSIG NSEC
		14400	RRSIG	NSEC 8 3 14400 20160426031301 20160327031301 12051 miek.nl. akVweDhsY3A0ZG81ZldYZw==
go.dns.miek.nl.	1800	IN A	185.49.140.62
		1800	RRSIG	A 8 4 1800 20160426031301 20160327031301 12051 miek.nl. WlhvMk85eW8=
		14400	NSEC	www.miek.nl. A RRSIG NSEC
		14400	RRSIG	NSEC 8 4 14400 20160426031301 20160327031301 12051 miek.nl. ZTNZM2R6R1U=
www.miek.nl.	1800	IN CNAME a.miek.nl.
		1800	RRSIG	CNAME 8 3 1800 20160426031301 20160327031301 12051 miek.nl. TlZabU1KYXlwUyt3REwyTGFyNFp3MXpG
		14400	NSEC	miek.nl. CNAME RRSIG NSEC
		14400	RRSIG	NSEC 8 3 14400 20160426031301 20160327031301 12051 miek.nl. S2NnTlF0VGJ3
`;

export const SIGNED_AUTH = [
  'miek.nl. 1800 IN NS ext.ns.whyscream.net.',
  'miek.nl. 1800 IN NS linode.atoom.net.',
  'miek.nl. 1800 IN RRSIG NS 8 2 1800 20160426031301 20160327031301 12051 miek.nl. Wkx0c1Fod2F6YnFTcHp0Rm9SMVZ4cw==',
];
export const SIGNED_SOA = [
  'miek.nl. 1800 IN SOA linode.atoom.net. miek.miek.nl. 1282630057 14400 3600 604800 14400',
  'miek.nl. 1800 IN RRSIG SOA 8 2 1800 20160426031301 20160327031301 12051 miek.nl. RklyenkwN2FjQmJ0eVFjenkxZGM=',
];

export const EXAMPLE_ORG = `; example.org test file
$TTL 3600
example.org.            IN      SOA     sns.dns.icann.org. noc.dns.icann.org. 2015082541 7200 3600 1209600 3600
example.org.            IN      NS      b.iana-servers.net.
example.org.            IN      NS      a.iana-servers.net.
example.org.            IN      A       127.0.0.1
example.org.            IN      A       127.0.0.2
*.w.example.org.        IN      TXT     "Wildcard"
a.b.c.w.example.org.    IN      TXT     "Not a wildcard"
*.c.example.org.        IN      TXT     "c Wildcard"
*.d.example.org.        IN      CNAME   alias.example.org.
alias.example.org.      IN      TXT     "Wildcard CNAME expansion"
f.*.e.example.org.      IN      A       192.0.2.1
t.e.example.org.        IN      A       192.0.2.2
real.deep.e.example.org. IN     A       192.0.2.3
*.mx.example.org.       IN      MX      10 mail.example.org.
mail.example.org.       IN      A       192.0.2.10
                        IN      AAAA    2001:db8::10
`;

export const EXAMPLE_AUTH = ['example.org. 3600 IN NS a.iana-servers.net.', 'example.org. 3600 IN NS b.iana-servers.net.'];
export const EXAMPLE_SOA = 'example.org. 3600 IN SOA sns.dns.icann.org. noc.dns.icann.org. 2015082541 7200 3600 1209600 3600';

export const ALIAS_DELEGATION = `
$TTL 300
$ORIGIN example.org.
@       IN SOA  ns.example.org. admin.example.org. 1 3600 600 86400 300
        IN NS   ns.example.org.
ns      IN A    192.0.2.1
alias   IN CNAME        host.child.example.org.
chain   IN CNAME        alias.example.org.
*.wild  IN CNAME        host.child.example.org.
child   IN NS   ns.child.example.org.
ns.child        IN A    192.0.2.2
                IN AAAA 2001:db8::2
mapped  IN DNAME        example.org.
host    IN NS   ns.host.example.org.
ns.host IN A    192.0.2.3
        IN AAAA 2001:db8::3
srv     IN SRV  10 50 8080 ns.example.org.
        IN SRV  20 50 8080 NS.EXAMPLE.ORG.
svc     IN HTTPS 1 ns.example.org. alpn="h2,h3" port=8443
caa     IN CAA  0 issuewild ";"
loop1   IN CNAME loop2
loop2   IN CNAME loop1
other   IN CNAME www.example.net.
`;

export const EXAMPLE_NET = `
$ORIGIN example.net.
@       300 IN SOA  ns.example.net. admin.example.net. 7 3600 600 86400 300
        300 IN NS   ns.example.net.
www     300 IN A    192.0.2.80
`;
