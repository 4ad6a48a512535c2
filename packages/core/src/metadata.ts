import type { Request } from './wire/request.js';

/**
 * What a plugin offers as the `metadata` capability (CoreDNS's
 * metadata.Provider): values about a query under labels `plugin/name`
 * (`kubernetes/client-namespace`, `view/name`).
 */
export interface MetadataProvider {
  /**
   * The value of `label` for this query, or undefined when this plugin does
   * not set that label (for this query). Called only when some plugin reads
   * the label (log's `{/label}`, view's `metadata()`, template's `.Meta`), at
   * most once per query and label: quick, and no I/O.
   */
  metadata(req: Request, label: string): string | undefined;
}

/**
 * One query's metadata: the providers of its server block, asked in chain
 * order when a label is first read, the answer kept for the query's life.
 * The `metadata` plugin makes one per query it covers (`ctx.collectMetadata`);
 * a block without it makes none, so metadata costs nothing there.
 */
export class Metadata {
  private values: Map<string, string | undefined> | null = null;

  constructor(
    private readonly providers: readonly MetadataProvider[],
    private readonly req: Request,
  ) {}

  /** The value of `label`, or undefined when no provider sets it (CoreDNS's log prints `-` then). */
  get(label: string): string | undefined {
    const values = (this.values ??= new Map());
    if (values.has(label)) return values.get(label);
    let value: string | undefined;
    for (const p of this.providers) {
      value = p.metadata(this.req, label);
      if (value !== undefined) break;
    }
    values.set(label, value);
    return value;
  }
}

/** CoreDNS's metadata.IsLabel: `plugin/name`, neither part empty. */
export function isMetadataLabel(label: string): boolean {
  const slash = label.indexOf('/');
  return slash > 0 && slash < label.length - 1;
}
