import { open } from 'node:fs/promises';
import type { Logger } from '@chaindns/core';
import { loadTable, type TableOptions } from './hosts-file.js';
import type { HostsEntries, HostsMetrics } from './metrics.js';
import type { HostsTable } from './table.js';

export interface HostsSourceOptions extends TableOptions {
  /** The hosts file as written (the `hostsfile` label); relative to the working directory. */
  readonly path: string;
  readonly log: Logger;
  readonly metrics: HostsMetrics;
}

/**
 * The answers of one hosts plugin: the inline entries and what was last read
 * from the file, as one table. The file is read again when its modification
 * time or size changes (CoreDNS's readHosts); a file that cannot be read
 * (deleted, say) leaves the table as it was, and is read again once it is
 * back and changed.
 */
export class HostsSource implements HostsEntries {
  table: HostsTable;
  entries: number | null = null;
  private mtimeNs = -1n;
  private size = -1n;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: HostsSourceOptions) {
    this.table = loadTable('', options).table;
  }

  get path(): string {
    return this.options.path;
  }

  /** Reads the file if it changed since the last read; resolves when done (never rejects). */
  async read(): Promise<void> {
    const { path, log, metrics } = this.options;
    let text: string;
    let mtimeNs: bigint;
    let size: bigint;
    try {
      const file = await open(path, 'r');
      try {
        const stat = await file.stat({ bigint: true });
        if (stat.mtimeNs === this.mtimeNs && stat.size === this.size) return;
        ({ mtimeNs, size } = stat);
        text = await file.readFile('latin1');
      } finally {
        await file.close();
      }
    } catch {
      // Setup warned when it was missing; a file that went away keeps what was read.
      return;
    }
    if (this.stopped) return;
    const { table, entries, invalid } = loadTable(text, this.options);
    this.table = table;
    this.mtimeNs = mtimeNs;
    this.size = size;
    this.entries = entries;
    metrics.reloaded(Number(mtimeNs) / 1e9);
    log.debug(`Parsed hosts file into ${entries} entries`);
    if (invalid > 0) log.warn(`${path}: skipped ${invalid} name${invalid === 1 ? '' : 's'} that no query can ask for`);
  }

  /** Looks at the file every `periodMs` from now on; 0 never does. */
  start(periodMs: number): void {
    if (periodMs <= 0 || this.stopped) return;
    const tick = (): void => {
      this.timer = null;
      void this.read().then(() => {
        if (!this.stopped) this.timer = setTimeout(tick, periodMs).unref();
      });
    };
    this.timer = setTimeout(tick, periodMs).unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
