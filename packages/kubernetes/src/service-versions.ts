/**
 * Per service, a count of the changes to what its names answer: the service itself (replaced or
 * deleted) and its slices. A service is known by a small number the index gives it for as long
 * as it exists (reused after its deletion, the count moving once more then), so that an answer
 * kept from it can tell it is stale with one look into a typed array.
 */
export class ServiceVersions {
  private counts = new Int32Array(256);
  private readonly free: number[] = [];
  private next = 0;

  /** A number for a new service. */
  take(): number {
    const id = this.free.pop() ?? this.next++;
    if (id === this.counts.length) {
      const grown = new Int32Array(this.counts.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
    return id;
  }

  /** The service `id` is gone: its count moves, and the number is free again. */
  release(id: number): void {
    this.counts[id]!++;
    this.free.push(id);
  }

  bump(id: number): void {
    this.counts[id]!++;
  }

  of(id: number): number {
    return this.counts[id]!;
  }
}

/** What a kept reply reads to tell it is stale: the primary's ServiceVersions, or a worker's snapshot generation (shared-index.ts). */
export type VersionsReader = Pick<ServiceVersions, 'of'>;
