/** The zone the tests' primary serves: every kind of answer the file engine gives. */
export interface ZoneTimers {
  readonly refresh?: number;
  readonly retry?: number;
  readonly expire?: number;
}

export function exampleOrg(serial: number, extra: readonly string[] = [], timers: ZoneTimers = {}): string {
  return [
    '$ORIGIN example.org.',
    '$TTL 300',
    `@ 3600 IN SOA ns1.example.org. hostmaster.example.org. ( ${serial} ${timers.refresh ?? 7200} ${timers.retry ?? 3600} ${timers.expire ?? 1209600} 300 )`,
    '@ NS ns1',
    '@ NS ns2.example.net.',
    'ns1 A 127.0.0.1',
    'www A 192.0.2.1',
    'www AAAA 2001:db8::1',
    'alias CNAME www',
    'chain CNAME alias',
    '@ MX 10 mail',
    'mail A 192.0.2.25',
    '@ TXT "v=spf1 -all"',
    '@ CAA 0 issue "letsencrypt.org"',
    '_sip._tcp SRV 10 60 5060 sip',
    'sip A 192.0.2.30',
    '*.wild A 192.0.2.40',
    'sub NS ns.sub',
    'ns.sub A 192.0.2.53',
    'old DNAME new.example.org.',
    'www.new A 192.0.2.2',
    'naptr NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:info@example.org!" .',
    'rp RP hostmaster.example.org. www.example.org.',
    ...extra,
    '',
  ].join('\n');
}

/** Questions whose answers from chaindns and from the primary are compared. */
export const QUESTIONS: ReadonlyArray<readonly [string, string]> = [
  ['www.example.org', 'A'],
  ['www.example.org', 'AAAA'],
  ['WwW.ExAmple.org', 'A'],
  ['alias.example.org', 'A'],
  ['chain.example.org', 'AAAA'],
  ['example.org', 'MX'],
  ['example.org', 'TXT'],
  ['example.org', 'CAA'],
  ['example.org', 'NS'],
  ['example.org', 'SOA'],
  ['_sip._tcp.example.org', 'SRV'],
  ['host.wild.example.org', 'A'],
  ['host.sub.example.org', 'A'],
  ['www.old.example.org', 'A'],
  ['naptr.example.org', 'NAPTR'],
  ['rp.example.org', 'RP'],
  ['nothere.example.org', 'A'],
  ['www.example.org', 'MX'],
];
