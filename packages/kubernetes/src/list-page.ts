/**
 * A list page's JSON, read as it streams in: each element of its `items`
 * array is parsed on its own as soon as it has arrived, and what comes
 * before the items (the API server writes `metadata`, with the next page's
 * `continue` token, first) is handed over as soon as the items begin, so
 * that the next page can be asked for while this one arrives.
 *
 * Why not JSON.parse of the page: a page of 500 objects parses into a tree
 * of several MB, larger than the young generation the image gives V8
 * (`--max-semi-space-size=2`). Every scavenge during the parse and the
 * conversion then copies that tree, and most of it is promoted to die in
 * the old generation. An item's objects alone die young.
 *
 * Items are cut without reading every byte in JavaScript: the API server
 * writes compact JSON whose items all begin with the same key, so two items
 * meet at `},{"metadata":`, which the native Buffer search finds. Such bytes
 * cannot lie inside a string (a quote there is escaped), but they can join
 * two objects deeper in an item; the text then cut is no JSON (an item's
 * proper prefix never is), and the cut is taken back. Whatever is never cut
 * (another layout, a last item) is parsed at the end with the page's rest.
 */
export class ListPageReader {
  /** Bytes up to the items' `[`, while it has not come. */
  private head: Buffer | null = Buffer.alloc(0);
  /** The bytes from the start of the item being read. */
  private pending: Buffer = EMPTY;
  /** Where in `pending` to look for the next cut (past cuts taken back). */
  private searchFrom = 1;
  /** What separates two items (`},` and the first item's opening key), once known. */
  private separator: Buffer | null = null;
  /** The page up to its items, as JSON text ending in `"items":[`. */
  private opening = '';
  private headSent = false;
  /** The chunks since the last item cut, once cutting was given up. */
  private rest: Buffer[] | null = null;

  constructor(
    private readonly each: (item: unknown) => void,
    /** Called once with the page's metadata, as soon as it is known (at the end when the items come first). */
    private readonly onHead: (page: unknown) => void = () => {},
  ) {}

  /** Reads the next chunk of the body. Throws on JSON that does not parse. */
  push(chunk: Buffer): void {
    if (this.head) {
      const head = Buffer.concat([this.head, chunk]);
      const at = ITEMS.exec(head.toString('latin1'));
      if (!at) {
        if (head.length <= UNCUT) this.head = head;
        else [this.head, this.rest] = [null, [head]];
        return;
      }
      this.head = null;
      const end = at.index + at[0].length;
      this.opening = head.toString('utf8', 0, end);
      this.sendHead(`${this.opening}]}`);
      chunk = head.subarray(end);
    }
    if (this.rest) {
      this.rest.push(chunk);
      return;
    }
    if (!this.separator) {
      const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      const key = OPENING_KEY.exec(buf.toString('latin1', 0, Math.min(buf.length, 256)));
      if (!key) return this.keep(buf);
      this.separator = Buffer.from(`},${key[0]}`, 'latin1');
      [this.pending, chunk] = [Buffer.alloc(0), buf];
    }
    const separator = this.separator;
    // The item begun in earlier chunks: only it is joined to the start of this one, never the whole chunk.
    let start = 0;
    let from = this.searchFrom;
    while (this.pending.length > 0) {
      const held = this.pending;
      const cut = this.cutAcross(held, chunk, from);
      if (cut < 0) {
        // This item goes on past this chunk too (it is larger than a chunk).
        this.searchFrom = Math.max(from, held.length + chunk.length - separator.length + 1);
        return this.keep(Buffer.concat([held, chunk]));
      }
      const item = parsed(cut < held.length ? held.subarray(0, cut + 1) : Buffer.concat([held, chunk.subarray(0, cut + 1 - held.length)]));
      if (item === undefined) {
        from = cut + 1;
        continue;
      }
      this.each(item);
      // The next item starts after `},`: still in what was held, or in this chunk.
      if (cut + 2 < held.length) {
        this.pending = held.subarray(cut + 2);
        from = 1;
      } else {
        this.pending = EMPTY;
        start = cut + 2 - held.length;
        from = start + 1;
      }
    }
    for (let cut = chunk.indexOf(separator, from); cut >= 0; cut = chunk.indexOf(separator, from)) {
      const item = parsed(chunk, start, cut + 1);
      if (item === undefined) {
        from = cut + 1;
        continue;
      }
      this.each(item);
      start = cut + 2;
      from = start + 1;
    }
    this.searchFrom = Math.max(from - start, 1);
    this.keep(chunk.subarray(start));
  }

  /** The first cut at or after `from` in `held` followed by `chunk` (its position there), or -1. */
  private cutAcross(held: Buffer, chunk: Buffer, from: number): number {
    const separator = this.separator!;
    // A separator that begins in `held` and ends in `chunk`.
    const bridgeFrom = Math.max(from, held.length - separator.length + 1, 0);
    if (bridgeFrom < held.length) {
      const bridge = Buffer.concat([held.subarray(bridgeFrom), chunk.subarray(0, separator.length - 1)]);
      const at = bridge.indexOf(separator);
      if (at >= 0) return bridgeFrom + at;
    }
    const at = chunk.indexOf(separator, Math.max(0, from - held.length));
    return at < 0 ? -1 : held.length + at;
  }

  /** Keeps the item being read; one that outgrows any real object means items are not being cut: the rest is parsed at the end. */
  private keep(pending: Buffer): void {
    if (pending.length > UNCUT) this.rest = [pending];
    else this.pending = pending;
  }

  /** The page without its items, once the whole body was pushed. */
  end(): unknown {
    // The last item (and any never cut), and the rest of the page after them; or the whole page, never cut.
    const text = this.head ? this.head.toString('utf8') : `${this.opening}${Buffer.concat(this.rest ?? [this.pending]).toString('utf8')}`;
    const page = JSON.parse(text) as { items?: unknown[] | null };
    if (Array.isArray(page.items)) for (const item of page.items) this.each(item);
    page.items = [];
    if (!this.headSent) {
      this.headSent = true;
      this.onHead(page);
    }
    return page;
  }

  /** The page before its items, when it holds the metadata. */
  private sendHead(text: string): void {
    let page: { metadata?: unknown };
    try {
      page = JSON.parse(text) as typeof page;
    } catch {
      return;
    }
    if (page.metadata === undefined) return;
    this.headSent = true;
    this.onHead(page);
  }
}

const EMPTY = Buffer.alloc(0);

/** An item's JSON, or undefined when the text is not JSON (a cut inside an item). */
function parsed(buf: Buffer, start = 0, end = buf.length): unknown {
  try {
    return JSON.parse(buf.toString('utf8', start, end)) as unknown;
  } catch {
    return undefined;
  }
}

/** Bytes of one item past which cutting is given up (an EndpointSlice of 1,000 endpoints is about 200 KB). */
const UNCUT = 512 * 1024;

/** Where the items begin. */
const ITEMS = /"items"\s*:\s*\[/;
/** An item's opening and first key: `{"metadata":` from the API server. */
const OPENING_KEY = /^\s*\{"[A-Za-z_]+":/;
