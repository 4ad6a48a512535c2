import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseCorefile } from '@chaindns/core';

/**
 * The SHA-512 of a Corefile's text and of every file it imports now, in hex.
 * The imports are found by parsing the text again, so a file that newly
 * matches an import glob counts too. Text that does not parse is hashed
 * alone (its change is what matters then). An import that cannot be read
 * counts as empty.
 */
export function corefileDigest(path: string, text: string): string {
  let imports: readonly string[] = [];
  try {
    imports = parseCorefile(text, { file: path }).files;
  } catch {
    // Hashed by its text alone; the reload will report what is wrong.
  }
  const hash = createHash('sha512').update(text);
  for (const file of imports) {
    hash.update(`\0${file}\0`);
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update('\0unreadable');
    }
  }
  return hash.digest('hex');
}

/** The digest of the Corefile at `path` as it is on disk now; throws when the Corefile cannot be read. */
export function currentDigest(path: string): string {
  return corefileDigest(path, readFileSync(path, 'utf8'));
}
