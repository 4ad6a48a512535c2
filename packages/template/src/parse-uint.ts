/**
 * Go's strconv.ParseUint(s, base, bitSize), the template function
 * `parseInt`: base 0 reads a 0x, 0o, 0b or 0 prefix (and allows `_`
 * between digits); bitSize 0 means 64. Errors read as Go's.
 */
export function parseUint(s: string, base: number, bitSize: number): bigint {
  const fail = (why: string): never => {
    throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: ${why}`);
  };
  if (s === '') fail('invalid syntax');
  const base0 = base === 0;
  let digits = s;
  if (base0) {
    base = 10;
    if (s[0] === '0') {
      const p = s[1]?.toLowerCase();
      if (s.length >= 3 && (p === 'b' || p === 'o' || p === 'x')) {
        base = p === 'b' ? 2 : p === 'o' ? 8 : 16;
        digits = s.slice(2);
      } else {
        base = 8;
        digits = s.slice(1);
      }
    }
  } else if (base < 2 || base > 36) {
    fail(`invalid base ${base}`);
  }
  if (bitSize === 0) bitSize = 64;
  else if (bitSize < 0 || bitSize > 64) fail(`invalid bit size ${bitSize}`);

  const max = (1n << BigInt(bitSize)) - 1n;
  const b = BigInt(base);
  let n = 0n;
  let underscores = false;
  for (const c of digits) {
    if (c === '_' && base0) {
      underscores = true;
      continue;
    }
    const d = digitValue(c);
    if (d >= base) fail('invalid syntax');
    n = n * b + BigInt(d);
    if (n > max) fail('value out of range');
  }
  if (underscores && !underscoresOk(s)) fail('invalid syntax');
  return n;
}

function digitValue(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 122) return lower - 97 + 10;
  return 99;
}

/** Go's underscoreOK: `_` only between digits, or between a base prefix and a digit. */
function underscoresOk(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 2 && s[0] === '0' && /[bBoOxX]/.test(s[1]!)) {
    i = 2;
    saw = '0';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (/[0-9a-zA-Z]/.test(c)) saw = '0';
    else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}
