/**
 * Kubernetes label selectors (`app=nginx,tier in (web, api),!canary`): parsed
 * once, matched against an object's labels, and printed in the canonical form
 * the API server takes as `?labelSelector=`.
 */

type Operator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!';

export interface Requirement {
  readonly key: string;
  readonly op: Operator;
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly requirements: readonly Requirement[];
  /** The canonical text, as sent to the API server. */
  readonly text: string;
}

const KEY = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Parses a selector; throws an Error whose message says what is wrong. */
export function parseLabelSelector(input: string): LabelSelector {
  const requirements: Requirement[] = [];
  let rest = input.trim();
  if (rest === '') throw new Error('empty label selector');
  while (rest.length > 0) {
    const { requirement, remaining } = parseRequirement(rest);
    requirements.push(requirement);
    rest = remaining.trimStart();
    if (rest === '') break;
    if (rest[0] !== ',') throw new Error(`label selector "${input}": expected "," at "${rest}"`);
    rest = rest.slice(1).trimStart();
    if (rest === '') throw new Error(`label selector "${input}": trailing ","`);
  }
  return { requirements, text: requirements.map(format).join(',') };
}

function parseRequirement(text: string): { requirement: Requirement; remaining: string } {
  if (text.startsWith('!')) {
    const m = /^!\s*([^\s,=!()]+)/.exec(text);
    if (!m) throw new Error(`label selector: expected a key after "!" at "${text}"`);
    return { requirement: { key: checkKey(m[1]!), op: '!', values: [] }, remaining: text.slice(m[0].length) };
  }
  const keyMatch = /^([^\s,=!()]+)\s*/.exec(text);
  if (!keyMatch) throw new Error(`label selector: expected a key at "${text}"`);
  const key = checkKey(keyMatch[1]!);
  let rest = text.slice(keyMatch[0].length);
  const eq = /^(==|=|!=)\s*([^\s,()]*)/.exec(rest);
  if (eq) {
    const op: Operator = eq[1] === '!=' ? '!=' : '=';
    return { requirement: { key, op, values: [checkValue(eq[2]!)] }, remaining: rest.slice(eq[0].length) };
  }
  const set = /^(in|notin)\s*\(([^)]*)\)/.exec(rest);
  if (set) {
    const values = set[2]!.split(',').map((v) => checkValue(v.trim()));
    if (values.length === 1 && values[0] === '') throw new Error(`label selector: "${key} ${set[1]}" needs at least one value`);
    return { requirement: { key, op: set[1] as 'in' | 'notin', values: [...new Set(values)].sort() }, remaining: rest.slice(set[0].length) };
  }
  if (rest === '' || rest.startsWith(',')) return { requirement: { key, op: 'exists', values: [] }, remaining: rest };
  rest = rest.trimStart();
  throw new Error(`label selector: unexpected "${rest}" after key "${key}" (expected =, ==, !=, in (...), notin (...) or ",")`);
}

function checkKey(key: string): string {
  if (!KEY.test(key) || key.length > 317) throw new Error(`label selector: "${key}" is not a valid label key`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value)) throw new Error(`label selector: "${value}" is not a valid label value`);
  return value;
}

function format(r: Requirement): string {
  switch (r.op) {
    case '=':
    case '!=':
      return `${r.key}${r.op}${r.values[0]}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.op} (${r.values.join(',')})`;
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
  }
}

/** True when `labels` satisfy every requirement (a null selector matches everything). */
export function matchesLabels(selector: LabelSelector | null, labels: Readonly<Record<string, string>> | null | undefined): boolean {
  if (!selector) return true;
  for (const r of selector.requirements) {
    const value = labels?.[r.key];
    const has = value !== undefined;
    switch (r.op) {
      case '=':
        if (value !== r.values[0]) return false;
        break;
      case '!=':
        if (value === r.values[0]) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(value)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(value)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
    }
  }
  return true;
}
