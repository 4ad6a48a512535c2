/**
 * RFC 1035 master files: `$ORIGIN`, `$TTL` (RFC 2308), `$INCLUDE`,
 * `$GENERATE` (BIND's, as CoreDNS reads it), `@`, names relative to the
 * origin, owners left blank for the previous one, and TTLs left out for the
 * `$TTL` (or the last one given). Records go to a ZoneBuilder as they are
 * read; the reader can stop after any number of entries so a large reload
 * can yield to queries between slices.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import {
  canonicalName,
  classFromText,
  PresentationError,
  PresentationLexer,
  type PresentationEntry,
  QClass,
  QType,
  readRecordHead,
  ttlFromText,
  writeRdataText,
} from '@chaindns/core';
import { expandGenerate } from './generate.js';
import type { ZoneBuilder } from './zone-builder.js';

/** An error in a zone file, with where it is. */
export class ZoneFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'ZoneFileError';
  }
}

/** miekg/dns's limit, which CoreDNS inherits. */
const MAX_INCLUDE_DEPTH = 7;
/** The TTL of a record when neither it nor `$TTL` gives one (miekg/dns's default). */
const DEFAULT_TTL = 3600;

interface Frame {
  readonly lexer: PresentationLexer;
  readonly file: string;
  origin: string;
  owner: string | null;
  /** `$TTL`, or else the last TTL a record gave. */
  ttl: number | null;
  ttlByDirective: boolean;
  readonly depth: number;
  /** The records of a `$GENERATE` still to be read. */
  generated: Iterator<PresentationEntry> | null;
}

/** What the reader found when it stopped. */
export type ReadState = 'reading' | 'done' | 'unchanged';

const rdata = Buffer.allocUnsafe(65535);

export class MasterFileReader {
  private readonly frames: Frame[] = [];
  private seenSoa = false;
  state: ReadState = 'reading';

  /**
   * `unchangedSerial`: stop as soon as the first SOA shows this serial
   * (`state` is then 'unchanged'): a reload that finds nothing new.
   */
  constructor(
    private readonly builder: ZoneBuilder,
    file: string,
    text: string,
    private readonly unchangedSerial: number | null = null,
  ) {
    this.frames.push({ lexer: new PresentationLexer(text, { reuse: true }), file, origin: builder.origin, owner: null, ttl: null, ttlByDirective: false, depth: 0, generated: null });
  }

  /** Reads up to `entries` entries; returns the state. Throws ZoneFileError. */
  step(entries = Infinity): ReadState {
    for (let n = 0; n < entries && this.state === 'reading'; n++) {
      const frame = this.frames[this.frames.length - 1];
      if (!frame) {
        this.state = 'done';
        break;
      }
      let entry: PresentationEntry | null;
      let generated = false;
      try {
        entry = this.generated(frame);
        generated = entry !== null;
        entry ??= frame.lexer.next();
      } catch (err) {
        const line = err instanceof PresentationError ? err.line : frame.lexer.line;
        throw new ZoneFileError(frame.file, line, err instanceof Error ? err.message : String(err));
      }
      if (!entry) {
        this.frames.pop();
        continue;
      }
      try {
        this.entry(frame, entry, generated);
      } catch (err) {
        if (err instanceof ZoneFileError) throw err;
        throw new ZoneFileError(frame.file, entry.line, err instanceof Error ? err.message : String(err));
      }
    }
    return this.state;
  }

  private generated(frame: Frame): PresentationEntry | null {
    if (!frame.generated) return null;
    const next = frame.generated.next();
    if (!next.done) return next.value;
    frame.generated = null;
    return null;
  }

  /** One record or directive; what `$GENERATE` made is a record whatever its owner looks like. */
  private entry(frame: Frame, entry: PresentationEntry, generated: boolean): void {
    const t = entry.tokens;
    const first = t[0]!;
    if (!generated && !entry.blankOwner && first.charCodeAt(0) === 0x24 /* $ */) return this.directive(frame, entry);
    const owner = entry.blankOwner ? frame.owner : canonicalName(first, frame.origin);
    if (owner === null) throw new RangeError('the first record has no owner name');
    const head = readRecordHead(t, entry.blankOwner ? 0 : 1);
    if (head.class !== undefined && head.class !== QClass.IN) throw new RangeError(`class ${t.find((x) => classFromText(x) !== undefined)}: the file plugin serves class IN only`);
    let ttl: number;
    if (head.ttl !== undefined) {
      ttl = head.ttl;
      if (!frame.ttlByDirective) frame.ttl = ttl;
    } else {
      ttl = frame.ttl ?? DEFAULT_TTL;
    }
    const len = writeRdataText(head.type, t, head.rdataStart, frame.origin, rdata, 0);
    frame.owner = owner;
    if (head.type === QType.SOA && !this.seenSoa) {
      this.seenSoa = true;
      if (this.unchangedSerial !== null && rdata.readUInt32BE(len - 20) === this.unchangedSerial) {
        this.state = 'unchanged';
        return;
      }
    }
    this.builder.add(owner, head.type, QClass.IN, ttl, rdata, len);
  }

  private directive(frame: Frame, entry: PresentationEntry): void {
    const [name, ...args] = entry.tokens;
    switch (name!.toUpperCase()) {
      case '$ORIGIN':
        if (args.length !== 1) throw new RangeError('$ORIGIN takes one name');
        frame.origin = canonicalName(args[0]!, frame.origin);
        return;
      case '$TTL': {
        const ttl = args.length === 1 ? ttlFromText(args[0]!) : undefined;
        if (ttl === undefined) throw new RangeError(`$TTL takes one TTL, got "${args.join(' ')}"`);
        frame.ttl = ttl;
        frame.ttlByDirective = true;
        return;
      }
      case '$INCLUDE':
        return this.include(frame, args);
      case '$GENERATE':
        frame.generated = expandGenerate(args, entry.line);
        return;
      default:
        throw new RangeError(`unknown directive "${name}"`);
    }
  }

  private include(frame: Frame, args: string[]): void {
    if (args.length < 1 || args.length > 2) throw new RangeError('$INCLUDE takes a file name and an optional origin');
    if (frame.depth + 1 > MAX_INCLUDE_DEPTH) throw new RangeError(`too deeply nested $INCLUDE (more than ${MAX_INCLUDE_DEPTH})`);
    const raw = args[0]!.replace(/^"(.*)"$/, '$1');
    const path = isAbsolute(raw) ? raw : join(dirname(frame.file), raw);
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (err) {
      throw new RangeError(`$INCLUDE ${raw}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    // The included file's origin is its own; the including file's is left as it was (RFC 1035 5.1).
    const origin = args[1] ? canonicalName(args[1], frame.origin) : frame.origin;
    this.frames.push({ lexer: new PresentationLexer(text, { reuse: true }), file: path, origin, owner: null, ttl: frame.ttl, ttlByDirective: frame.ttlByDirective, depth: frame.depth + 1, generated: null });
  }
}
