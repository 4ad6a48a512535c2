/** Catalog zones (RFC 9432) and their members, as presentation text for a primary. */
export const soa = (origin: string, serial: number): string => `${origin} 3600 IN SOA ns1.${origin} hostmaster.${origin} ${serial} 3600 600 86400 300`;

/** A catalog zone: its members as [ID, zone] (with a `coo` when given), version 2 unless told. */
export function catalogZone(origin: string, serial: number, members: ReadonlyArray<readonly [string, string, string?]>, version = '2'): string[] {
  return [
    soa(origin, serial),
    `${origin} 3600 IN NS invalid.`,
    `version.${origin} 0 IN TXT "${version}"`,
    ...members.flatMap(([id, zone, coo]) => [`${id}.zones.${origin} 0 IN PTR ${zone}`, `group.${id}.zones.${origin} 0 IN TXT "default"`, ...(coo ? [`coo.${id}.zones.${origin} 0 IN PTR ${coo}`] : [])]),
  ];
}

/** A member zone whose www has `address`. */
export function memberZone(origin: string, serial: number, address: string): string[] {
  return [soa(origin, serial), `${origin} 3600 IN NS ns1.${origin}`, `ns1.${origin} 300 IN A 127.0.0.1`, `www.${origin} 300 IN A ${address}`];
}
