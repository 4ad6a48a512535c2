import { clockNow } from '@chaindns/core';
import type { Channel, Waiter } from './channel.js';

/**
 * The sockets or connections of one transport to one upstream. A query goes
 * on the least busy open channel; a new one opens only when every channel
 * carries `perChannel` queries. A channel idle for `expire` is closed (CoreDNS's
 * connection cache, with pipelining).
 */
export class Pool<C extends Channel> {
  private channels: C[] = [];
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly open: () => C,
    private readonly perChannel: number,
    private readonly expireMs: number,
    /** Counts a cache hit (an open channel reused) or miss (a new one opened). */
    private readonly onPick: (hit: boolean) => void,
  ) {}

  exchange(w: Waiter, timeoutMs: number): void {
    this.pick().exchange(w, timeoutMs);
  }

  private pick(): C {
    let best: C | null = null;
    let stale = false;
    const now = clockNow();
    for (const c of this.channels) {
      if (!c.usable(now, this.expireMs)) stale = true;
      else if (c.pending.size < this.perChannel && (best === null || c.pending.size < best.pending.size)) best = c;
    }
    if (stale) this.sweep(now);
    this.onPick(best !== null);
    if (best) return best;
    const channel = this.open();
    this.channels.push(channel);
    this.sweeper ??= setInterval(() => this.sweep(performance.now()), Math.max(this.expireMs, 1000)).unref();
    return channel;
  }

  private sweep(now: number): void {
    this.channels = this.channels.filter((c) => c.usable(now, this.expireMs) || (c.close(), false));
    if (this.channels.length === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const c of this.channels) c.close();
    this.channels = [];
  }
}
