import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fallsThrough, parseFallthrough } from '../src/corefile/args.js';
import { parseCorefile } from '../src/corefile/index.js';

function directive(line: string) {
  const d = parseCorefile(`. {\n${line}\n}`).blocks[0]!.directives[0];
  assert.ok(d);
  return d;
}

describe('fallthrough', () => {
  const cases: readonly { line: string; zones: readonly string[]; through: readonly string[]; not: readonly string[] }[] = [
    { line: 'fallthrough', zones: ['.'], through: ['a.example.', 'example.org.'], not: [] },
    { line: 'fallthrough Example.org 10.0.0.0/24', zones: ['example.org.', '0.0.10.in-addr.arpa.'], through: ['a.example.org.', '5.0.0.10.in-addr.arpa.'], not: ['example.com.', 'notexample.org.'] },
  ];
  for (const c of cases) {
    it(c.line, () => {
      const zones = parseFallthrough(directive(c.line));
      assert.deepEqual(zones, c.zones);
      for (const n of c.through) assert.equal(fallsThrough(zones, n), true, n);
      for (const n of c.not) assert.equal(fallsThrough(zones, n), false, n);
    });
  }
  it('is off when absent', () => assert.equal(fallsThrough(null, 'example.org.'), false));
});
