import type { Case } from '@chaindns/core/testing';

/**
 * CoreDNS's etcd tests (plugin/etcd/*_test.go), as tables: the records they
 * write (keyed by DNS name, as there) and the answers they expect. SOA
 * serials are compared as 0 (they are the time), and where CoreDNS writes
 * TTL 303 ("any TTL") the TTL the record has is written.
 */
export interface Service {
  readonly key: string;
  readonly host?: string;
  readonly port?: number;
  readonly priority?: number;
  readonly weight?: number;
  readonly text?: string;
  readonly mail?: boolean;
  readonly ttl?: number;
  readonly targetstrip?: number;
  readonly group?: string;
}

export interface Table {
  readonly name: string;
  readonly services: readonly Service[];
  readonly cases: readonly Case[];
}

const soa = (zone: string): string => `${zone} 30 IN SOA ns.dns.${zone} hostmaster.${zone} 0 7200 1800 86400 30`;
const SOA = soa('skydns.test.');

/** The zones of CoreDNS's newEtcdPlugin. */
export const ZONES = ['skydns.test.', 'skydns_extra.test.', 'skydns_zonea.test.', 'skydns_zoneb.test.', 'skydns_zonec.test.', 'skydns_zoned.test.', 'in-addr.arpa.'];

export const lookup: Table = {
  name: 'lookup_test.go',
  services: [
    { host: 'dev.server1', port: 8080, key: 'a.server1.dev.region1.skydns.test.' },
    { host: '10.0.0.1', port: 8080, key: 'a.server1.prod.region1.skydns.test.' },
    { host: '10.0.0.2', port: 8080, key: 'b.server1.prod.region1.skydns.test.' },
    { host: '::1', port: 8080, key: 'b.server6.prod.region1.skydns.test.' },
    { text: 'sometext', key: 'a.txt.server1.prod.region1.skydns.test.' },
    { text: 'moretext', key: 'b.txt.server1.prod.region1.skydns.test.' },
    { host: 'unresolvable.skydns.test', key: 'cname.prod.region1.skydns.test.' },
    { host: 'priority.server1', priority: 333, port: 8080, key: 'priority.skydns.test.' },
    { host: 'sub.server1', port: 0, key: 'a.sub.region1.skydns.test.' },
    { host: 'sub.server2', port: 80, key: 'b.sub.region1.skydns.test.' },
    { host: '10.0.0.1', port: 8080, key: 'c.sub.region1.skydns.test.' },
    { host: '10.0.0.1', port: 8080, key: 'a.targetstrip.skydns.test.', targetstrip: 1 },
    { host: 'a.cname.skydns.test', key: 'b.cname.skydns.test.' },
    { host: 'b.cname.skydns.test', key: 'a.cname.skydns.test.' },
    { host: '10.0.0.2', key: 'a.ns.dns.skydns.test.' },
    { host: '10.0.0.3', key: 'b.ns.dns.skydns.test.' },
    { host: '10.0.0.4', key: 'ns1.c.ns.dns.skydns.test.', targetstrip: 1 },
    { host: '10.0.0.5', key: 'ns2.c.ns.dns.skydns.test.', targetstrip: 1 },
    { host: '10.0.0.2', key: 'x.skydns_zonea.test.' },
    { host: '10.0.0.3', key: 'y.skydns_zonea.test.' },
    { host: '10.0.0.2', key: 'x.skydns_zoneb.test.' },
    { host: '10.0.0.3', key: 'y.skydns_zoneb.test.' },
    { host: '10.0.0.4', key: 'apex.dns.skydns_zoneb.test.' },
    { host: '10.0.0.2', key: 'x.skydns_zonec.test.' },
    { host: '10.0.0.3', key: 'y.skydns_zonec.test.' },
    { host: '10.0.0.4', key: 'a1.apex.dns.skydns_zonec.test.' },
    { host: '10.0.0.5', key: 'a2.apex.dns.skydns_zonec.test.' },
    { host: '10.0.0.2', key: 'x.skydns_zoned.test.' },
    { host: '10.0.0.3', key: 'y.skydns_zoned.test.' },
    { host: '10.0.0.4', key: 'a1.apex.dns.skydns_zoned.test.' },
    { host: '10.0.0.5', key: 'a2.apex.dns.skydns_zoned.test.' },
    { host: '2003::8:1', key: 'a3.apex.dns.skydns_zoned.test.' },
    { host: '2003::8:2', key: 'a4.apex.dns.skydns_zoned.test.' },
    { host: 'reverse.example.com', key: '1.0.0.10.in-addr.arpa.' },
  ],
  cases: [
    { qname: 'a.server1.dev.region1.skydns.test.', qtype: 'SRV', answer: ['a.server1.dev.region1.skydns.test. 300 SRV 10 100 8080 dev.server1.'] },
    { qname: 'doesnotexist.skydns.test.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'a.server1.prod.region1.skydns.test.', qtype: 'A', answer: ['a.server1.prod.region1.skydns.test. 300 A 10.0.0.1'] },
    {
      qname: 'a.server1.prod.region1.skydns.test.',
      qtype: 'SRV',
      answer: ['a.server1.prod.region1.skydns.test. 300 SRV 10 100 8080 a.server1.prod.region1.skydns.test.'],
      extra: ['a.server1.prod.region1.skydns.test. 300 A 10.0.0.1'],
    },
    { qname: 'b.server6.prod.region1.skydns.test.', qtype: 'AAAA', answer: ['b.server6.prod.region1.skydns.test. 300 AAAA ::1'] },
    { qname: 'server1.prod.region1.skydns.test.', qtype: 'A', answer: ['server1.prod.region1.skydns.test. 300 A 10.0.0.1', 'server1.prod.region1.skydns.test. 300 A 10.0.0.2'] },
    { qname: 'priority.skydns.test.', qtype: 'SRV', answer: ['priority.skydns.test. 300 SRV 333 100 8080 priority.server1.'] },
    {
      qname: 'sub.region1.skydns.test.',
      qtype: 'SRV',
      answer: ['sub.region1.skydns.test. 300 IN SRV 10 33 0 sub.server1.', 'sub.region1.skydns.test. 300 IN SRV 10 33 80 sub.server2.', 'sub.region1.skydns.test. 300 IN SRV 10 33 8080 c.sub.region1.skydns.test.'],
      extra: ['c.sub.region1.skydns.test. 300 IN A 10.0.0.1'],
    },
    { qname: 'targetstrip.skydns.test.', qtype: 'SRV', answer: ['targetstrip.skydns.test. 300 IN SRV 10 100 8080 targetstrip.skydns.test.'], extra: ['targetstrip.skydns.test. 300 IN A 10.0.0.1'] },
    { qname: 'cname.prod.region1.skydns.test.', qtype: 'A', ns: [SOA] },
    { qname: 'txt.server1.prod.region1.skydns.test.', qtype: 'TXT', answer: ['txt.server1.prod.region1.skydns.test. 300 IN TXT moretext', 'txt.server1.prod.region1.skydns.test. 300 IN TXT sometext'] },
    {
      qname: '*.region1.skydns.test.',
      qtype: 'SRV',
      answer: [
        '*.region1.skydns.test. 300 IN SRV 10 12 0 sub.server1.',
        '*.region1.skydns.test. 300 IN SRV 10 12 0 unresolvable.skydns.test.',
        '*.region1.skydns.test. 300 IN SRV 10 12 80 sub.server2.',
        '*.region1.skydns.test. 300 IN SRV 10 12 8080 a.server1.prod.region1.skydns.test.',
        '*.region1.skydns.test. 300 IN SRV 10 12 8080 b.server1.prod.region1.skydns.test.',
        '*.region1.skydns.test. 300 IN SRV 10 12 8080 b.server6.prod.region1.skydns.test.',
        '*.region1.skydns.test. 300 IN SRV 10 12 8080 c.sub.region1.skydns.test.',
        '*.region1.skydns.test. 300 IN SRV 10 12 8080 dev.server1.',
      ],
      extra: [
        'a.server1.prod.region1.skydns.test. 300 IN A 10.0.0.1',
        'b.server1.prod.region1.skydns.test. 300 IN A 10.0.0.2',
        'b.server6.prod.region1.skydns.test. 300 IN AAAA ::1',
        'c.sub.region1.skydns.test. 300 IN A 10.0.0.1',
      ],
    },
    ...['*', 'any'].map(
      (w): Case => ({
        qname: `prod.${w}.skydns.test.`,
        qtype: 'SRV',
        answer: [
          `prod.${w}.skydns.test. 300 IN SRV 10 25 0 unresolvable.skydns.test.`,
          `prod.${w}.skydns.test. 300 IN SRV 10 25 8080 a.server1.prod.region1.skydns.test.`,
          `prod.${w}.skydns.test. 300 IN SRV 10 25 8080 b.server1.prod.region1.skydns.test.`,
          `prod.${w}.skydns.test. 300 IN SRV 10 25 8080 b.server6.prod.region1.skydns.test.`,
        ],
        extra: ['a.server1.prod.region1.skydns.test. 300 IN A 10.0.0.1', 'b.server1.prod.region1.skydns.test. 300 IN A 10.0.0.2', 'b.server6.prod.region1.skydns.test. 300 IN AAAA ::1'],
      }),
    ),
    { qname: 'a.cname.skydns.test.', qtype: 'A', ns: [SOA] },
    // CoreDNS's test expects NODATA: it runs without a server, so the lookup of dev.server1. fails there. A running
    // CoreDNS looks the target up through itself and answers the CNAME whatever that lookup gave (here: nothing).
    { qname: 'a.server1.dev.region1.skydns.test.', qtype: 'TXT', answer: ['a.server1.dev.region1.skydns.test. 300 IN CNAME dev.server1.'] },
    { qname: 'a.server1.dev.region1.skydns.test.', qtype: 'HINFO', ns: [SOA] },
    { qname: 'a.server1.nonexistent.region1.skydns.test.', qtype: 'HINFO', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'skydns.test.', qtype: 'SOA', answer: [SOA] },
    {
      qname: 'skydns.test.',
      qtype: 'NS',
      answer: ['skydns.test. 300 NS a.ns.dns.skydns.test.', 'skydns.test. 300 NS b.ns.dns.skydns.test.', 'skydns.test. 300 NS c.ns.dns.skydns.test.'],
      extra: ['a.ns.dns.skydns.test. 300 A 10.0.0.2', 'b.ns.dns.skydns.test. 300 A 10.0.0.3', 'c.ns.dns.skydns.test. 300 A 10.0.0.4', 'c.ns.dns.skydns.test. 300 A 10.0.0.5'],
    },
    { qname: 'a.skydns.test.', qtype: 'NS', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'ns.dns.skydns.test.', qtype: 'A', answer: ['ns.dns.skydns.test. 300 A 10.0.0.2', 'ns.dns.skydns.test. 300 A 10.0.0.3', 'ns.dns.skydns.test. 300 A 10.0.0.4', 'ns.dns.skydns.test. 300 A 10.0.0.5'] },
    { qname: 'skydns_extra.test.', qtype: 'SOA', answer: [soa('skydns_extra.test.')] },
    { qname: 'skydns_zonea.test.', qtype: 'A', answer: ['skydns_zonea.test. 300 A 10.0.0.2', 'skydns_zonea.test. 300 A 10.0.0.3'] },
    { qname: 'skydns_zoneb.test.', qtype: 'A', answer: ['skydns_zoneb.test. 300 A 10.0.0.4'] },
    { qname: 'skydns_zonec.test.', qtype: 'A', answer: ['skydns_zonec.test. 300 A 10.0.0.4', 'skydns_zonec.test. 300 A 10.0.0.5'] },
    { qname: 'skydns_zoned.test.', qtype: 'A', answer: ['skydns_zoned.test. 300 A 10.0.0.4', 'skydns_zoned.test. 300 A 10.0.0.5'] },
    { qname: 'skydns_zoned.test.', qtype: 'AAAA', answer: ['skydns_zoned.test. 300 AAAA 2003::8:1', 'skydns_zoned.test. 300 AAAA 2003::8:2'] },
    { qname: '1.0.0.10.in-addr.arpa.', qtype: 'PTR', answer: ['1.0.0.10.in-addr.arpa. 300 PTR reverse.example.com.'] },
  ],
};

export const cname: Table = {
  name: 'cname_test.go',
  services: [
    { host: 'cname1.region2.skydns.test', key: 'a.server1.dev.region1.skydns.test.' },
    { host: 'cname2.region2.skydns.test', key: 'cname1.region2.skydns.test.' },
    { host: 'cname3.region2.skydns.test', key: 'cname2.region2.skydns.test.' },
    { host: 'cname4.region2.skydns.test', key: 'cname3.region2.skydns.test.' },
    { host: 'cname5.region2.skydns.test', key: 'cname4.region2.skydns.test.' },
    { host: 'cname6.region2.skydns.test', key: 'cname5.region2.skydns.test.' },
    { host: 'endpoint.region2.skydns.test', key: 'cname6.region2.skydns.test.' },
    { host: '10.240.0.1', key: 'endpoint.region2.skydns.test.' },
    { host: 'mainendpoint.region2.skydns.test', key: 'region2.skydns.test.' },
    { host: 'cname2.region3.skydns.test', key: 'cname3.region3.skydns.test.' },
    { host: 'cname1.region3.skydns.test', key: 'cname2.region3.skydns.test.' },
    { host: 'endpoint.region3.skydns.test', key: 'cname1.region3.skydns.test.' },
    { host: '', key: 'endpoint.region3.skydns.test.', text: 'SOME-RECORD-TEXT' },
  ],
  cases: [
    {
      qname: 'a.server1.dev.region1.skydns.test.',
      qtype: 'SRV',
      ordered: true,
      answer: ['a.server1.dev.region1.skydns.test. 300 IN SRV 10 100 0 cname1.region2.skydns.test.'],
      extra: [
        'cname1.region2.skydns.test. 300 IN CNAME cname2.region2.skydns.test.',
        'cname2.region2.skydns.test. 300 IN CNAME cname3.region2.skydns.test.',
        'cname3.region2.skydns.test. 300 IN CNAME cname4.region2.skydns.test.',
        'cname4.region2.skydns.test. 300 IN CNAME cname5.region2.skydns.test.',
        'cname5.region2.skydns.test. 300 IN CNAME cname6.region2.skydns.test.',
        'cname6.region2.skydns.test. 300 IN CNAME endpoint.region2.skydns.test.',
        'endpoint.region2.skydns.test. 300 IN A 10.240.0.1',
      ],
    },
    { qname: 'region2.skydns.test.', qtype: 'CNAME', answer: ['region2.skydns.test. 300 IN CNAME mainendpoint.region2.skydns.test.'] },
    { qname: 'endpoint.region3.skydns.test.', qtype: 'CNAME', ns: [SOA] },
    {
      qname: 'cname3.region3.skydns.test.',
      qtype: 'TXT',
      ordered: true,
      answer: [
        'cname3.region3.skydns.test. 300 IN CNAME cname2.region3.skydns.test.',
        'cname2.region3.skydns.test. 300 IN CNAME cname1.region3.skydns.test.',
        'cname1.region3.skydns.test. 300 IN CNAME endpoint.region3.skydns.test.',
        'endpoint.region3.skydns.test. 300 IN TXT "SOME-RECORD-TEXT"',
      ],
    },
  ],
};

export const groups: Table = {
  name: 'group_test.go',
  services: [
    { host: '127.0.0.1', key: 'a.dom.skydns.test.', group: 'g1' },
    { host: '127.0.0.2', key: 'b.sub.dom.skydns.test.', group: 'g1' },
    { host: '127.0.0.1', key: 'a.dom2.skydns.test.', group: 'g1' },
    { host: '127.0.0.2', key: 'b.sub.dom2.skydns.test.', group: '' },
    { host: '127.0.0.1', key: 'a.dom1.skydns.test.', group: 'g1' },
    { host: '127.0.0.2', key: 'b.sub.dom1.skydns.test.', group: 'g2' },
    { text: 'foo', key: 'a.dom3.skydns.test.', group: 'g1' },
    { text: 'bar', key: 'b.sub.dom3.skydns.test.', group: 'g1' },
  ],
  cases: [
    { qname: 'dom.skydns.test.', qtype: 'A', answer: ['dom.skydns.test. 300 IN A 127.0.0.1', 'dom.skydns.test. 300 IN A 127.0.0.2'] },
    { qname: 'dom2.skydns.test.', qtype: 'A', answer: ['dom2.skydns.test. 300 IN A 127.0.0.1', 'dom2.skydns.test. 300 IN A 127.0.0.2'] },
    { qname: 'dom1.skydns.test.', qtype: 'A', answer: ['dom1.skydns.test. 300 IN A 127.0.0.1'] },
    { qname: 'dom3.skydns.test.', qtype: 'TXT', answer: ['dom3.skydns.test. 300 IN TXT bar', 'dom3.skydns.test. 300 IN TXT foo'] },
  ],
};

/** multi_test.go: the plugin's zones are skydns.test and miek.nl; example.org goes on to the end of the chain. */
export const multi: Table = {
  name: 'multi_test.go',
  services: [
    { host: 'dev.server1', port: 8080, key: 'a.server1.dev.region1.skydns.test.' },
    { host: 'dev.server1', port: 8080, key: 'a.server1.dev.region1.miek.nl.' },
    { host: 'dev.server1', port: 8080, key: 'a.server1.dev.region1.example.org.' },
  ],
  cases: [
    { qname: 'a.server1.dev.region1.skydns.test.', qtype: 'SRV', answer: ['a.server1.dev.region1.skydns.test. 300 SRV 10 100 8080 dev.server1.'] },
    { qname: 'a.server1.dev.region1.miek.nl.', qtype: 'SRV', answer: ['a.server1.dev.region1.miek.nl. 300 SRV 10 100 8080 dev.server1.'] },
    { qname: 'a.server1.dev.region1.example.org.', qtype: 'SRV', rcode: 'SERVFAIL' },
  ],
};

export const other: Table = {
  name: 'other_test.go',
  services: [
    { host: 'dev.server1', port: 8080, key: 'a.server1.dev.region1.skydns.test.' },
    { host: 'mx.skydns.test', priority: 50, mail: true, key: 'a.mail.skydns.test.' },
    { host: 'mx.miek.nl', priority: 50, mail: true, key: 'b.mail.skydns.test.' },
    { host: 'a.ipaddr.skydns.test', priority: 30, mail: true, key: 'a.mx.skydns.test.' },
    { host: 'a.ipaddr.skydns.test', mail: true, key: 'a.mx2.skydns.test.' },
    { host: 'b.ipaddr.skydns.test', mail: true, key: 'b.mx2.skydns.test.' },
    { host: 'a.ipaddr.skydns.test', priority: 20, mail: true, key: 'a.mx3.skydns.test.' },
    { host: 'a.ipaddr.skydns.test', priority: 30, mail: true, key: 'b.mx3.skydns.test.' },
    { host: '172.16.1.1', key: 'a.ipaddr.skydns.test.' },
    { host: '172.16.1.2', key: 'b.ipaddr.skydns.test.' },
    { text: 'abc', key: 'a1.txt.skydns.test.' },
    { text: 'abc abc', key: 'a2.txt.skydns.test.' },
    { text: '0'.repeat(400), key: 'large400.skydns.test.' },
    { text: '0'.repeat(600), key: 'large600.skydns.test.' },
    { text: '0'.repeat(2000), key: 'large2000.skydns.test.' },
    { host: '10.11.11.10', key: 'http.multiport.http.skydns.test.', port: 80 },
    { host: '10.11.11.10', key: 'https.multiport.http.skydns.test.', port: 443 },
  ],
  cases: [
    { qname: 'a.server1.dev.region1.skydns.test.', qtype: 'MX', ns: [SOA] },
    {
      qname: 'a.mail.skydns.test.',
      qtype: 'MX',
      answer: ['a.mail.skydns.test. 300 IN MX 50 mx.skydns.test.'],
      extra: ['a.ipaddr.skydns.test. 300 IN A 172.16.1.1', 'mx.skydns.test. 300 IN CNAME a.ipaddr.skydns.test.'],
    },
    {
      qname: 'mx2.skydns.test.',
      qtype: 'MX',
      answer: ['mx2.skydns.test. 300 IN MX 10 a.ipaddr.skydns.test.', 'mx2.skydns.test. 300 IN MX 10 b.ipaddr.skydns.test.'],
      extra: ['a.ipaddr.skydns.test. 300 A 172.16.1.1', 'b.ipaddr.skydns.test. 300 A 172.16.1.2'],
    },
    { qname: 'mx3.skydns.test.', qtype: 'MX', answer: ['mx3.skydns.test. 300 IN MX 20 a.ipaddr.skydns.test.', 'mx3.skydns.test. 300 IN MX 30 a.ipaddr.skydns.test.'], extra: ['a.ipaddr.skydns.test. 300 A 172.16.1.1'] },
    { qname: 'a1.txt.skydns.test.', qtype: 'TXT', answer: ['a1.txt.skydns.test. 300 IN TXT "abc"'] },
    { qname: 'a2.txt.skydns.test.', qtype: 'TXT', answer: ['a2.txt.skydns.test. 300 IN TXT "abc abc"'] },
    { qname: 'large400.skydns.test.', qtype: 'TXT', answer: [`large400.skydns.test. 300 IN TXT "${'0'.repeat(255)}" "${'0'.repeat(145)}"`] },
    { qname: 'multiport.http.skydns.test.', qtype: 'A', answer: ['multiport.http.skydns.test. 300 IN A 10.11.11.10'] },
  ],
};
