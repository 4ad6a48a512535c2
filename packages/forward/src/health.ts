/**
 * CoreDNS's health probe: started by a failed query, it runs the check at
 * once and then every `intervalMs` for as long as it fails, and stops at the
 * first success (until the next failed query starts it again). One at a time.
 */
export class Probe {
  private running = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly check: () => Promise<boolean>,
    private readonly intervalMs: number,
  ) {}

  kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.run();
  }

  private run(): void {
    void this.check().then((healthy) => {
      if (healthy || this.stopped) {
        this.running = false;
        return;
      }
      this.timer = setTimeout(() => {
        this.timer = null;
        this.run();
      }, this.intervalMs).unref();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
