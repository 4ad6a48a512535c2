import { encodeName } from '@chaindns/core';

/**
 * Builds DNS messages byte by byte, with compression pointers where a test
 * wants them (dns-packet never compresses). `at()` is the next record's offset.
 */
export class MessageBuilder {
  private readonly parts: Buffer[] = [];
  private length = 12;
  private readonly header = Buffer.alloc(12);
  private readonly counts = [0, 0, 0, 0];

  constructor(flags = 0x8180) {
    this.header.writeUInt16BE(0x1234, 0);
    this.header.writeUInt16BE(flags, 2);
  }

  /** The offset where the next bytes go. */
  at(): number {
    return this.length;
  }

  question(name: string, type: number): number {
    const off = this.length;
    this.push(encodeName(name), u16(type), u16(1));
    this.counts[0]!++;
    return off;
  }

  /** A record in `section` (1 answer, 2 authority, 3 additional); `owner` is a name or a pointer. Returns its offset. */
  record(section: 1 | 2 | 3, owner: string | number, type: number, rdata: Buffer, ttl = 300): number {
    const off = this.length;
    const head = Buffer.alloc(10);
    head.writeUInt16BE(type, 0);
    head.writeUInt16BE(1, 2);
    head.writeUInt32BE(ttl, 4);
    head.writeUInt16BE(rdata.length, 8);
    this.push(nameBytes(owner), head, rdata);
    this.counts[section]!++;
    return off;
  }

  build(): Buffer {
    for (let i = 0; i < 4; i++) this.header.writeUInt16BE(this.counts[i]!, 4 + 2 * i);
    return Buffer.concat([this.header, ...this.parts]);
  }

  private push(...bufs: Buffer[]): void {
    for (const b of bufs) {
      this.parts.push(b);
      this.length += b.length;
    }
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** A name in wire form: a number is a pointer to that offset; `www.+42` is labels then a pointer. */
export function nameBytes(name: string | number): Buffer {
  if (typeof name === 'number') return Buffer.from([0xc0 | (name >> 8), name & 0xff]);
  const plus = name.indexOf('+');
  if (plus < 0) return encodeName(name);
  const labels = encodeName(name.slice(0, plus));
  return Buffer.concat([labels.subarray(0, labels.length - 1), nameBytes(Number(name.slice(plus + 1)))]);
}

export function ipv4(text: string): Buffer {
  return Buffer.from(text.split('.').map(Number));
}

/** MX RDATA: preference and an exchange name (or name+pointer). */
export function mx(preference: number, exchange: string | number): Buffer {
  return Buffer.concat([u16(preference), nameBytes(exchange)]);
}

/** A seeded PRNG (mulberry32), so shuffles in tests are repeatable. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
