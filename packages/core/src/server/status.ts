import type { ServerStatus } from '../plugin.js';

type Check = () => boolean;

/** What else the server's status answers for: the other workers of its process. */
export interface PeerStatus {
  notReady(): string[];
  unhealthy(): string[];
}

/** Readiness and liveness checks, per config generation, read through the live one. */
export class StatusBoard implements ServerStatus {
  stopping = false;
  /** Checks beyond the plugins' (the other workers'), kept across generations. */
  peers: PeerStatus | null = null;
  private ready = new Map<string, Check>();
  private health = new Map<string, Check>();
  /** No config's checks taken yet: the first is still being set up, and nothing serves DNS. */
  private starting = true;

  registerReady(name: string, check: Check): void {
    this.ready.set(name, check);
  }
  registerHealth(name: string, check: Check): void {
    this.health.set(name, check);
  }
  notReady(settled?: Set<string>): string[] {
    if (this.stopping) return ['shutdown'];
    // A listener opened by a plugin's setup (ready's) may be asked before the config's other plugins have even registered their checks.
    if (this.starting) return ['starting'];
    return this.peers ? [...failing(this.ready, settled), ...this.peers.notReady()].sort() : failing(this.ready, settled);
  }
  unhealthy(): string[] {
    return this.peers ? [...failing(this.health), ...this.peers.unhealthy()].sort() : failing(this.health);
  }
  /** Takes over the checks of a newly loaded config. */
  replaceWith(next: StatusBoard): void {
    this.ready = next.ready;
    this.health = next.health;
    this.starting = false;
  }
}

function failing(checks: Map<string, Check>, settled?: Set<string>): string[] {
  const out: string[] = [];
  for (const [name, check] of checks) {
    if (settled?.has(name)) continue;
    let ok = false;
    try {
      ok = check();
    } catch {
      ok = false;
    }
    if (!ok) out.push(name);
    else settled?.add(name);
  }
  return out.sort();
}
