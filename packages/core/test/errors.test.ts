import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ErrorCodes } from '../src/index.js';

test('the error codes and the README table are the same list', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = [...readme.matchAll(/^\| `(CHAINDNS_[A-Z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(table, Object.entries(ErrorCodes));
});
