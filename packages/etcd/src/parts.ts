import type { Answer } from '@chaindns/core';
import type { Looked } from './backend.js';

/**
 * A CNAME followed inside the zone: `head` and what the target gave, kept
 * only when the target gave something (CoreDNS drops a chain that ends in nothing).
 */
export interface Chase {
  readonly head: Answer;
  readonly parts: readonly Part[];
}

/** A lookup through the server's chain (a name outside the zone): `head` (if any) and its answers, kept only when it answered. */
export interface External {
  readonly head: Answer | null;
  readonly looked: Promise<Looked | null>;
  /** Which of its answers to keep. */
  readonly keep: (a: Answer) => boolean;
  /** Its TC bit carries over to our reply (not for TXT, as in CoreDNS). */
  readonly truncates: boolean;
}

/**
 * A section's records as the lookups build them: records, and what may wait
 * for a lookup through the server. Without an External anywhere they settle
 * at once, so the answer is written without a promise.
 */
export type Part = Answer | Chase | External;

export interface Settled {
  readonly records: Answer[];
  readonly truncated: boolean;
}

const isExternal = (p: Part): p is External => 'looked' in p;
const isChase = (p: Part): p is Chase => 'parts' in p;

/** True when some part waits for a lookup. */
export function waits(parts: readonly Part[]): boolean {
  return parts.some((p) => isExternal(p) || (isChase(p) && waits(p.parts)));
}

/** The records of parts that wait for nothing. */
export function settleNow(parts: readonly Part[]): Settled {
  const records: Answer[] = [];
  for (const p of parts) {
    if (isChase(p)) {
      const inner = settleNow(p.parts).records;
      if (inner.length > 0) records.push(p.head, ...inner);
    } else if (!isExternal(p)) {
      records.push(p);
    }
  }
  return { records, truncated: false };
}

/** The records once every lookup has answered (or failed). */
export async function settle(parts: readonly Part[]): Promise<Settled> {
  const records: Answer[] = [];
  let truncated = false;
  for (const p of parts) {
    if (isChase(p)) {
      const inner = await settle(p.parts);
      truncated ||= inner.truncated;
      if (inner.records.length > 0) records.push(p.head, ...inner.records);
    } else if (isExternal(p)) {
      const looked = await p.looked;
      if (!looked) continue;
      truncated ||= p.truncates && looked.truncated;
      if (p.head) records.push(p.head);
      records.push(...looked.answers.filter(p.keep));
    } else {
      records.push(p);
    }
  }
  return { records, truncated };
}
