/**
 * RFC 9432 catalog zones, read as CoreDNS's plugin/pkg/catalog reads them:
 * version 2 only (`version.CATZ TXT "2"`), each member a single PTR at
 * `ID.zones.CATZ` naming its zone, and the change-of-ownership property
 * (`coo.ID.zones.CATZ PTR OTHER-CATZ`) that lets another catalog take a
 * member over. A catalog that breaks these rules fails its transfer.
 */
import { lowerName, QClass, QType, readName, skipName } from '@chaindns/core';
import { type Zone, zoneRecords } from '@chaindns/file';
import { TransferError } from './response.js';

export interface CatalogMember {
  /** The member's unique label (RFC 9432 section 4.2). */
  readonly id: string;
  /** The member zone, lowercased FQDN. */
  readonly zone: string;
  /** The catalog that may take the member over (`coo`), or null. */
  readonly coo: string | null;
}

export interface Catalog {
  readonly origin: string;
  /** Sorted by ID. */
  readonly members: readonly CatalogMember[];
}

const VERSION = '2';

/** The labels of `name` before `suffix` (both presentation form, lowercased); null when it does not end with it. */
function labelsBefore(name: string, suffix: string): string[] | null {
  if (!name.endsWith(`.${suffix}`)) return null;
  const labels: string[] = [];
  let label = '';
  const end = name.length - suffix.length - 1;
  for (let i = 0; i < end; i++) {
    const c = name[i]!;
    if (c === '\\') {
      label += name.slice(i, i + 2);
      i++;
    } else if (c === '.') {
      labels.push(label);
      label = '';
    } else {
      label += c;
    }
  }
  labels.push(label);
  return labels;
}

/** TXT RDATA as one string: its character-strings joined (CoreDNS's txtValue). */
function txtValue(rdata: Buffer): string {
  let out = '';
  for (let p = 0; p < rdata.length; p += 1 + rdata[p]!) out += rdata.toString('latin1', p + 1, p + 1 + rdata[p]!);
  return out;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Reads the catalog that `zone` (transferred for `origin`) holds. Throws TransferError when it is not a valid one. */
export function parseCatalog(origin: string, zone: Zone): Catalog {
  const zones = `zones.${origin}`;
  let ns = false;
  const versions: string[] = [];
  const members = new Map<string, string[]>();
  const coos = new Map<string, string[]>();
  for (const rr of zoneRecords(zone)) {
    const at = skipName(rr, 0);
    const owner = lowerName(readName(rr, 0)!);
    const type = rr.readUInt16BE(at);
    const rdata = rr.subarray(at + 10);
    if (rr.readUInt16BE(at + 2) !== QClass.IN) throw new TransferError(`catalog zone ${origin} contains a non-IN record at ${owner}`);
    if (type === QType.NS && owner === origin) ns = true;
    if (type === QType.TXT && owner === `version.${origin}`) versions.push(txtValue(rdata));
    if (type !== QType.PTR) continue;
    const labels = labelsBefore(owner, zones);
    if (labels?.length === 1) push(members, labels[0]!, lowerName(readName(rdata, 0)!));
    else if (labels?.length === 2 && labels[0] === 'coo') push(coos, labels[1]!, lowerName(readName(rdata, 0)!));
  }
  if (!ns) throw new TransferError(`catalog zone ${origin} has no NS record`);
  if (versions.length !== 1) throw new TransferError(`catalog zone ${origin} must have exactly one version TXT record`);
  if (versions[0] !== VERSION) throw new TransferError(`catalog zone ${origin} has unsupported version "${versions[0]}"`);
  const seen = new Map<string, string>();
  const out: CatalogMember[] = [];
  for (const [id, ptrs] of members) {
    if (ptrs.length !== 1) throw new TransferError(`catalog member ${id}.${zones} must have exactly one PTR record`);
    const member = ptrs[0]!;
    const before = seen.get(member);
    if (before !== undefined) throw new TransferError(`catalog member zone ${member} is listed by both ${before} and ${id}`);
    seen.set(member, id);
    const coo = coos.get(id) ?? [];
    if (coo.length > 1) throw new TransferError(`catalog member ${id} has more than one coo PTR record`);
    out.push({ id, zone: member, coo: coo[0] ?? null });
  }
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { origin, members: out };
}
