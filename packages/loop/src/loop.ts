import { randomBytes } from 'node:crypto';
import { type Handler, QType, Rcode, type Request } from '@chaindns/core';

/** What the detector needs from its server block. */
export interface LoopEnv {
  /** Sends a query to the server's own listener over UDP; resolves with the reply, rejects after `timeoutMs`. */
  send(qname: string, qtype: number, timeoutMs: number): Promise<Buffer>;
  /** Stops the server for good (ctx.fatal). */
  fatal(error: Error): void;
}

/** CoreDNS's timings: each probe waits up to 2s for its reply, failed ones are retried after 1s, for 30s in all. */
export interface ProbeTiming {
  readonly attemptTimeoutMs: number;
  readonly retryDelayMs: number;
  readonly deadlineMs: number;
}

export const defaultTiming: ProbeTiming = { attemptTimeoutMs: 2000, retryDelayMs: 1000, deadlineMs: 30_000 };

/** A random non-negative 63-bit integer in decimal, as Go's rand.Int(). */
function randomLabel(): string {
  return (randomBytes(8).readBigUInt64BE() >> 1n).toString();
}

/** `host:port` as Go's net.JoinHostPort writes a remote address. */
function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * CoreDNS's loop: the server sends itself `<random>.<random>.<zone> HINFO`
 * over UDP once it listens; the handler counts how often that exact name
 * comes through. The probe itself is one sighting; a second means the query
 * went out to an upstream and came back: a forwarding loop, and the server
 * stops with CoreDNS's message. (CoreDNS waits for a third sighting: its
 * forward sends the second round again. Ours answers a query from its own
 * socket SERVFAIL instead, so no third comes.) Once a probe got a reply (or
 * after 30s of failed tries) the detector turns itself off, so the probe name
 * cannot become a query of death later.
 */
export class LoopDetector {
  readonly qname: string;
  private seen = 0;
  private disabled = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly zone: string,
    private readonly env: LoopEnv,
    private readonly timing: ProbeTiming = defaultTiming,
  ) {
    this.qname = `${randomLabel()}.${randomLabel()}.${zone === '.' ? '' : zone}`;
  }

  get enabled(): boolean {
    return !this.disabled;
  }

  readonly handler: Handler = {
    name: 'loop',
    serveDNS: (req, w, next) => {
      if (req.qtype !== QType.HINFO || this.disabled || req.qname !== this.qname) return next(req, w);
      if (++this.seen < 2) return next(req, w);
      this.disabled = true;
      this.env.fatal(new Error(this.message(req)));
      // Break the loop here rather than sending the probe round once more.
      return Rcode.SERVFAIL;
    },
  };

  private message(req: Request): string {
    const listener = req.server.replace(/^dns:\/\//, '');
    return `Loop (${hostPort(req.remote.address, req.remote.port)} -> ${listener}) detected for zone "${this.zone}", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO ${this.qname}"`;
  }

  /** Sends the probe until one gets a reply or the deadline passes, then turns the detector off. */
  async probe(): Promise<void> {
    const deadline = Date.now() + this.timing.deadlineMs;
    while (!this.stopped && !this.disabled && Date.now() < deadline) {
      if ((await this.attempt()) || this.stopped) break;
      // No reply: forget what was seen and try again, as CoreDNS does.
      this.seen = 0;
      await this.sleep(this.timing.retryDelayMs);
    }
    this.disabled = true;
  }

  /** Ends probing (the config is retired). */
  stop(): void {
    this.stopped = true;
    this.disabled = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  /** One probe: true when the server answered it within the attempt's time. */
  private attempt(): Promise<boolean> {
    return new Promise((resolve) => {
      this.wake = () => resolve(false);
      this.env.send(this.qname, QType.HINFO, this.timing.attemptTimeoutMs).then(
        () => resolve(true),
        () => resolve(false),
      );
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms).unref();
    });
  }
}
