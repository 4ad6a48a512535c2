/** The API client's limits on its requests, as client-go's: a rate (apiserver_qps, apiserver_burst) and at most so many at once (apiserver_max_inflight). */

/**
 * A token bucket as golang.org/x/time/rate (client-go's limiter): `burst`
 * tokens, refilled at `qps` a second; a caller that finds none reserves the
 * next one and waits for it.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(
    private readonly qps: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  /** Resolves when the caller may go, with the milliseconds it waited. */
  async take(): Promise<number> {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    const wait = (-this.tokens / this.qps) * 1000;
    await new Promise((r) => setTimeout(r, wait));
    return wait;
  }
}

/** At most `max` holders at once; the others queue. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
