/**
 * Reads a master file into a Zone for one origin: at start-up in one go,
 * on reload in slices that yield to queries between them.
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Zone } from './zone.js';
import { ZoneBuilder } from './zone-builder.js';
import { MasterFileReader } from './zone-parser.js';

/** Entries read between two yields during a reload: about a millisecond's work. */
const SLICE = 2000;

export interface LoadedZone {
  readonly zone: Zone;
  /** The file's modification time when read. */
  readonly mtimeMs: number;
}

/** A generous guess of a file's names: a record takes a dozen bytes or more. */
function expectedNames(text: string): number {
  return Math.ceil(text.length / 12);
}

function finish(builder: ZoneBuilder, path: string): Zone {
  const zone = builder.finish();
  if (!zone.soa) throw new Error(`file "${path}" has no SOA record for origin ${builder.origin}`);
  return zone;
}

/** Loads `path` for `origin` now. Throws ZoneFileError for what does not parse, Error for a missing SOA or file. */
export function loadZone(path: string, origin: string, text = readFileSync(path, 'latin1')): Zone {
  const builder = new ZoneBuilder(origin, expectedNames(text));
  new MasterFileReader(builder, path, text).step();
  return finish(builder, path);
}

/** The file's text (latin1: every byte one char) and modification time. */
export function readZoneFile(path: string): { text: string; mtimeMs: number } {
  const mtimeMs = statSync(path).mtimeMs;
  return { text: readFileSync(path, 'latin1'), mtimeMs };
}

/**
 * Reads `path` again for `origin` without blocking queries for long.
 * Resolves null when its first SOA has `unchangedSerial` (CoreDNS reloads
 * only on a serial change; pass null to reload whatever the serial).
 */
export async function reloadZone(path: string, origin: string, unchangedSerial: number | null): Promise<LoadedZone | null> {
  const { mtimeMs } = await stat(path);
  const text = await readFile(path, 'latin1');
  const builder = new ZoneBuilder(origin, expectedNames(text));
  const reader = new MasterFileReader(builder, path, text, unchangedSerial);
  let state = reader.step(SLICE);
  while (state === 'reading') {
    await nextTurn();
    state = reader.step(SLICE);
  }
  return state === 'unchanged' ? null : { zone: finish(builder, path), mtimeMs };
}
