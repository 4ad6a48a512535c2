/**
 * One resource record from its presentation text (RFC 1035 5.1):
 * `www.example.org. 300 IN A 192.0.2.1`, for test kits and plugins that take
 * records as text. Master files ($ORIGIN, $INCLUDE, owners left blank) are
 * the file plugin's; it shares the lexer and the RDATA writers used here.
 */
import { QClass } from './constants.js';
import { absoluteName, canonicalName } from './name-text.js';
import { PresentationError, PresentationLexer } from './presentation-lexer.js';
import { writeRdataText } from './rdata-text.js';
import { classFromText, ttlFromText, typeFromText } from './type-text.js';

export interface RecordText {
  /** The owner, absolute and lowercased, in presentation form (`www.example.org.`). */
  readonly name: string;
  /** The owner as written, made absolute (letter case kept: a reply's owner as its template wrote it). */
  readonly owner: string;
  readonly ttl: number;
  readonly class: number;
  readonly type: number;
  /** The RDATA in wire form (names uncompressed). */
  readonly rdata: Buffer;
}

/** The TTL, class and type that follow an owner, in either order (RFC 1035 allows both), and where the RDATA starts. */
export interface RecordHead {
  ttl: number | undefined;
  class: number | undefined;
  type: number;
  rdataStart: number;
}

/** Reads `[ttl] [class] type` or `[class] [ttl] type` from `tokens[start..]`; throws a RangeError naming the bad token. */
export function readRecordHead(tokens: readonly string[], start: number): RecordHead {
  let ttl: number | undefined;
  let klass: number | undefined;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i]!;
    const asTtl = ttl === undefined ? ttlFromText(t) : undefined;
    if (asTtl !== undefined) {
      ttl = asTtl;
      continue;
    }
    const asClass = klass === undefined ? classFromText(t) : undefined;
    if (asClass !== undefined) {
      klass = asClass;
      continue;
    }
    const type = typeFromText(t);
    if (type === undefined) throw new RangeError(`unknown type "${t}"`);
    return { ttl, class: klass, type, rdataStart: i + 1 };
  }
  throw new RangeError('missing the record type');
}

const scratch = new Uint8Array(65535);

/**
 * Parses one record. A relative owner or RDATA name is completed with
 * `origin` (default the root); a record without a TTL gets `ttl` (default
 * 3600), without a class IN. Throws a PresentationError saying what is wrong.
 */
export function parseRecord(text: string, options: { origin?: string; ttl?: number } = {}): RecordText {
  const origin = options.origin ?? '.';
  const entry = new PresentationLexer(text).next();
  if (!entry) throw new PresentationError('empty record', 1);
  try {
    if (entry.blankOwner) throw new RangeError('missing the owner name');
    const name = canonicalName(entry.tokens[0]!, origin);
    const head = readRecordHead(entry.tokens, 1);
    const end = writeRdataText(head.type, entry.tokens, head.rdataStart, origin, scratch, 0);
    return { name, owner: absoluteName(entry.tokens[0]!, origin), ttl: head.ttl ?? options.ttl ?? 3600, class: head.class ?? QClass.IN, type: head.type, rdata: Buffer.from(scratch.subarray(0, end)) };
  } catch (err) {
    if (err instanceof RangeError) throw new PresentationError(`${err.message} in "${text.trim()}"`, entry.line);
    throw err;
  }
}
