import type { RawObject } from '../objects.js';

/** One term of a field selector: `field=value`, `field==value` or `field!=value`. */
interface FieldRequirement {
  readonly path: readonly string[];
  readonly equal: boolean;
  readonly value: string;
}

export type FieldSelector = readonly FieldRequirement[];

/** The fields the API server selects on, by kind (every kind has metadata.name and metadata.namespace). */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['status.phase', 'spec.nodeName', 'status.podIP'],
};

/**
 * Parses a fieldSelector as the API server does for `kind`; throws, as its
 * 400 says, on a field it does not select on.
 */
export function parseFieldSelector(text: string, kind: string): FieldSelector {
  const out: FieldRequirement[] = [];
  for (const term of text.split(',')) {
    if (term === '') continue;
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term);
    if (!m) throw new Error(`invalid selector: '${text}'; can't understand '${term}'`);
    const field = m[1]!;
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !FIELDS[kind]?.includes(field)) throw new Error(`field label not supported: ${field}`);
    out.push({ path: field.split('.'), equal: m[2] !== '!=', value: m[3]! });
  }
  return out;
}

/** True when `obj` meets every term; a missing field reads as the empty string, as in the API server. */
export function matchesFields(selector: FieldSelector | null, obj: RawObject): boolean {
  if (!selector) return true;
  return selector.every((r) => {
    let v: unknown = obj;
    for (const key of r.path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    return (String(v ?? '') === r.value) === r.equal;
  });
}
