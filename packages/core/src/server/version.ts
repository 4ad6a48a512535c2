import { ChainDNSError } from '../errors.js';
import type { AnyPluginDefinition } from '../plugin.js';
import { VERSION } from '../version.js';

type Triple = [number, number, number];

function parse(v: string): Triple | null {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether `version` satisfies `range`: `*`, `x.y.z`, `>=x.y.z`, `^x.y.z` or `~x.y.z` (npm's meaning). */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) return false;
  const r = range.trim();
  if (r === '*' || r === '') return true;
  const op = /^(\^|~|>=)?/.exec(r)![0];
  const base = parse(r.slice(op.length));
  if (!base) return false;
  if (op === '>=') return compare(v, base) >= 0;
  if (op === '') return compare(v, base) === 0;
  if (compare(v, base) < 0) return false;
  if (op === '~') return v[0] === base[0] && v[1] === base[1];
  // ^: the left-most non-zero part is fixed.
  if (base[0] > 0) return v[0] === base[0];
  if (base[1] > 0) return v[0] === 0 && v[1] === base[1];
  return v[0] === 0 && v[1] === 0 && v[2] === base[2];
}

/** Refuses a plugin whose `requires.core` range this core does not satisfy. */
export function checkCoreRange(definition: AnyPluginDefinition): void {
  const range = definition.requires?.core;
  if (range && !satisfies(VERSION, range)) {
    throw new ChainDNSError('CHAINDNS_PLUGIN_DEFINITION', `plugin "${definition.name}" requires @chaindns/core ${range}, this is ${VERSION}`);
  }
}
