/**
 * BIND's `$GENERATE start-stop[/step] lhs [ttl] [class] type rhs`, as
 * miekg/dns (and so CoreDNS) reads it: every token after the range is a
 * template where `$` is the counter, `${offset[,width[,base]]}` the counter
 * plus offset, zero-padded to width, in base d, o, x or X, and `\$` a dollar.
 */
import type { PresentationEntry } from '@chaindns/core';

function substitute(template: string, i: number): string {
  let out = '';
  for (let k = 0; k < template.length; k++) {
    const c = template[k]!;
    if (c === '\\' && template[k + 1] === '$') {
      out += '$';
      k++;
    } else if (c !== '$') {
      out += c;
    } else if (template[k + 1] === '{') {
      const close = template.indexOf('}', k);
      const m = close < 0 ? null : /^(-?\d+)(?:,(\d+)(?:,([doxX]))?)?$/.exec(template.slice(k + 2, close));
      if (!m) throw new RangeError(`$GENERATE: bad modifier in "${template}"`);
      const value = i + Number(m[1]);
      if (value < 0) throw new RangeError(`$GENERATE: "${template}" makes a negative number`);
      const base = m[3] ?? 'd';
      const text = value.toString(base === 'd' ? 10 : base === 'o' ? 8 : 16);
      out += (base === 'X' ? text.toUpperCase() : text).padStart(Number(m[2] ?? 0), '0');
      k = close;
    } else {
      out += String(i);
    }
  }
  return out;
}

/** The records a `$GENERATE` line stands for, made one by one as they are read. */
export function expandGenerate(args: readonly string[], line: number): Iterator<PresentationEntry> {
  const range = /^(\d+)-(\d+)(?:\/(\d+))?$/.exec(args[0] ?? '');
  if (!range || args.length < 3) throw new RangeError('$GENERATE takes a range (start-stop[/step]), an owner, the type and its data');
  const start = Number(range[1]);
  const stop = Number(range[2]);
  const step = Number(range[3] ?? 1);
  if (start > stop || step < 1) throw new RangeError(`$GENERATE: bad range "${args[0]}"`);
  const templates = args.slice(1);
  let i = start;
  return {
    next(): IteratorResult<PresentationEntry> {
      if (i > stop) return { done: true, value: undefined };
      const tokens = templates.map((t) => substitute(t, i));
      i += step;
      return { done: false, value: { tokens, line, blankOwner: false } };
    },
  };
}
