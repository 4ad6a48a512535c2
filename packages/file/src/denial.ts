/**
 * NSEC denial for signed zones: the name before a given one in DNSSEC
 * canonical order (RFC 4034 6.1), as CoreDNS's tree.Prev. The order is built
 * once per loaded zone, when it loads.
 */
import { QType, writeNameText } from '@chaindns/core';
import type { Part } from './message.js';
import { typed } from './sections.js';
import type { Node, Zone } from './zone.js';

const scratch = Buffer.allocUnsafe(256);

/** A string that sorts as the name does in canonical order: lowercased labels, right to left, NUL between. */
export function canonicalKey(name: string): string {
  const end = writeNameText(name, '.', scratch, 0);
  const labels: string[] = [];
  for (let p = 0; p < end - 1; p += scratch[p]! + 1) labels.push(scratch.toString('latin1', p + 1, p + 1 + scratch[p]!));
  // Names are lowercased already (Node.name, Request.qname).
  return labels.reverse().join('\0');
}

interface Ordered {
  readonly keys: string[];
  readonly nodes: Node[];
}

const orders = new WeakMap<Zone, Ordered>();

/** Builds the canonical order of a signed zone's names now (the loader does, so no query waits for it). */
export function prepareDenial(zone: Zone): void {
  if (zone.signed) order(zone);
}

function order(zone: Zone): Ordered {
  let o = orders.get(zone);
  if (o) return o;
  const entries: [string, Node][] = [];
  for (const node of zone.names.values()) if (!node.empty) entries.push([canonicalKey(node.name), node]);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  o = { keys: entries.map((e) => e[0]), nodes: entries.map((e) => e[1]) };
  orders.set(zone, o);
  return o;
}

/** The last name with records at or before `name` in canonical order, or null. */
export function previous(zone: Zone, name: string): Node | null {
  const { keys, nodes } = order(zone);
  const key = canonicalKey(name);
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? nodes[lo - 1]! : null;
}

/** The NSEC (and its RRSIGs) of the name that covers `name`, for a DO query in a signed zone. */
export function covering(zone: Zone, name: string): { node: Node | null; parts: Part[] } {
  if (!zone.signed) return { node: null, parts: [] };
  const node = previous(zone, name);
  return { node, parts: node ? typed(node, QType.NSEC, true) : [] };
}
