/**
 * Resources shared across blocks and across config generations, by key. A
 * generation acquires what it uses; when the last holder releases a key, the
 * resource is disposed. A reload acquires before the old config releases, so
 * an HTTP listener on the same address stays open.
 */
export class SharedResources {
  private readonly entries = new Map<string, { value: Promise<unknown>; holders: Set<object>; dispose: (v: unknown) => void | Promise<void> }>();

  acquire<T>(holder: object, key: string, create: () => T | Promise<T>, dispose: (value: T) => void | Promise<void>): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      const value = Promise.resolve().then(create);
      entry = { value, holders: new Set(), dispose: dispose as (v: unknown) => void | Promise<void> };
      this.entries.set(key, entry);
      // A failed create is not kept, so a later attempt can try again.
      value.catch(() => this.entries.get(key) === entry && this.entries.delete(key));
    }
    entry.holders.add(holder);
    return entry.value as Promise<T>;
  }

  /** Releases every key `holder` acquired; disposes those nobody holds any more. */
  async release(holder: object): Promise<void> {
    const disposals: Promise<void>[] = [];
    for (const [key, entry] of this.entries) {
      if (!entry.holders.delete(holder) || entry.holders.size > 0) continue;
      this.entries.delete(key);
      disposals.push(entry.value.then(entry.dispose, () => {}));
    }
    await Promise.all(disposals);
  }
}
