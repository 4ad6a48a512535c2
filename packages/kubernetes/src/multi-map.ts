/** A map whose values are one item or several, without an array for the common single case. */
export type Multi<T, K = string> = Map<K, T | T[]>;

export function addTo<T, K>(map: Multi<T, K>, key: K, value: T): void {
  const cur = map.get(key);
  if (cur === undefined) map.set(key, value);
  else if (Array.isArray(cur)) cur.push(value);
  else map.set(key, [cur, value]);
}

/** As addTo, unless `value` is under `key` already. */
export function addOnce<T, K>(map: Multi<T, K>, key: K, value: T): void {
  const cur = map.get(key);
  if (cur === undefined) map.set(key, value);
  else if (Array.isArray(cur)) {
    if (!cur.includes(value)) cur.push(value);
  } else if (cur !== value) map.set(key, [cur, value]);
}

export function removeFrom<T, K>(map: Multi<T, K>, key: K, value: T): void {
  const cur = map.get(key);
  if (cur === undefined) return;
  if (!Array.isArray(cur)) {
    if (cur === value) map.delete(key);
    return;
  }
  const i = cur.indexOf(value);
  if (i >= 0) cur.splice(i, 1);
  if (cur.length === 1) map.set(key, cur[0]!);
  else if (cur.length === 0) map.delete(key);
}

const EMPTY: readonly never[] = Object.freeze([]);

export function all<T>(value: T | T[] | undefined): readonly T[] {
  return value === undefined ? EMPTY : Array.isArray(value) ? value : [value];
}
