/** SVCB and HTTPS parameters (RFC 9460 section 2.1) from presentation text. */
import { base64, ipv6Field, parseIPv4, RdataFields, uint } from './text-fields.js';

const KEYS: ReadonlyMap<string, number> = new Map(Object.entries({ mandatory: 0, alpn: 1, 'no-default-alpn': 2, port: 3, ipv4hint: 4, ech: 5, ipv6hint: 6, dohpath: 7, ohttp: 8 }));

function keyNumber(text: string): number {
  const known = KEYS.get(text);
  if (known !== undefined) return known;
  const m = /^key(\d{1,5})$/.exec(text);
  if (!m || Number(m[1]) > 65535) throw new RangeError(`unknown SvcParamKey "${text}"`);
  return Number(m[1]);
}

/** The bytes of a value (quotes removed, escapes resolved). */
function valueBytes(text: string): Buffer {
  const scratch = new Uint8Array(text.length);
  const f = new RdataFields([text], 0, '.', scratch, 0);
  f.raw('SvcParamValue');
  return Buffer.from(scratch.subarray(0, f.off));
}

/** A comma-separated list; `\,` is a comma inside an item. */
function items(value: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let cur: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === 0x5c && i + 1 < value.length) cur.push(value[++i]!);
    else if (c === 0x2c) {
      out.push(Buffer.from(cur));
      cur = [];
    } else cur.push(c);
  }
  out.push(Buffer.from(cur));
  return out;
}

function encodeValue(key: number, value: Buffer | null): Buffer {
  const need = (): Buffer => {
    if (value === null || value.length === 0) throw new RangeError(`SvcParamKey ${key} needs a value`);
    return value;
  };
  switch (key) {
    case 0:
      return Buffer.concat(
        items(need())
          .map((k) => keyNumber(k.toString('latin1')))
          .sort((a, b) => a - b)
          .map((k) => Buffer.from([k >> 8, k & 0xff])),
      );
    case 1:
      return Buffer.concat(
        items(need()).map((id) => {
          if (id.length === 0 || id.length > 255) throw new RangeError('alpn: an id must be 1 to 255 bytes');
          return Buffer.concat([Buffer.from([id.length]), id]);
        }),
      );
    case 2:
    case 8:
      if (value !== null && value.length > 0) throw new RangeError(`SvcParamKey ${key} takes no value`);
      return Buffer.alloc(0);
    case 3: {
      const port = uint(need().toString('latin1'), 0xffff, 'port');
      return Buffer.from([port >> 8, port & 0xff]);
    }
    case 4:
      return Buffer.concat(items(need()).map((a) => parseIPv4(a.toString('latin1'), 'ipv4hint')));
    case 5:
      return Buffer.from(base64(need().toString('latin1'), 'ech'));
    case 6:
      return Buffer.concat(items(need()).map((a) => ipv6Field(a.toString('latin1'), 'ipv6hint')));
    default:
      return value ?? Buffer.alloc(0);
  }
}

/** Writes the parameters of every token left, sorted by key as the wire form wants. */
export function writeSvcParams(f: RdataFields): void {
  const params = new Map<number, Buffer>();
  while (f.left > 0) {
    let token = f.take('SvcParam');
    const eq = token.indexOf('=');
    // `alpn="h2,h3"` reaches us as `alpn=` and `"h2,h3"`.
    if (eq === token.length - 1 && f.left > 0) token += f.take('SvcParamValue');
    const keyText = eq < 0 ? token : token.slice(0, eq);
    const key = keyNumber(keyText);
    if (params.has(key)) throw new RangeError(`SvcParamKey "${keyText}" given twice`);
    params.set(key, encodeValue(key, eq < 0 ? null : valueBytes(token.slice(eq + 1))));
  }
  for (const key of [...params.keys()].sort((a, b) => a - b)) {
    const value = params.get(key)!;
    f.u16('SvcParamKey', key);
    f.u16('SvcParamValue length', value.length);
    f.bytes(value);
  }
}
