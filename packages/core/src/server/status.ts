import type { ServerStatus } from '../plugin.js';

type Check = () => boolean;

/** Readiness and liveness checks, per config generation, read through the live one. */
export class StatusBoard implements ServerStatus {
  stopping = false;
  private ready = new Map<string, Check>();
  private health = new Map<string, Check>();

  registerReady(name: string, check: Check): void {
    this.ready.set(name, check);
  }
  registerHealth(name: string, check: Check): void {
    this.health.set(name, check);
  }
  notReady(settled?: Set<string>): string[] {
    if (this.stopping) return ['shutdown'];
    return failing(this.ready, settled);
  }
  unhealthy(): string[] {
    return failing(this.health);
  }
  /** Takes over the checks of a newly loaded config. */
  replaceWith(next: StatusBoard): void {
    this.ready = next.ready;
    this.health = next.health;
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
