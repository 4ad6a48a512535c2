import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/**
 * The CPUs this process may use: those its affinity mask allows
 * (`os.availableParallelism()`), capped by its cgroup's CPU quota, rounded up
 * (a container given 1.5 CPUs gets 2), as Go 1.25 sets GOMAXPROCS. What
 * `-workers auto` and a bare `multisocket` take. `root` is where `/proc` and
 * `/sys` are (tests give a directory of their own).
 */
export function availableCpus(root = '/', cpus = availableParallelism()): number {
  const quota = cgroupQuota(root);
  return Math.max(1, quota === null ? cpus : Math.min(cpus, Math.ceil(quota)));
}

/**
 * The tightest CPU quota on the way from this process's cgroup up to the root
 * of its hierarchy, in CPUs (1.5 for `150000 100000`), or null when there is
 * none. cgroup v2 (`cpu.max`) first, else v1 (`cpu.cfs_quota_us`).
 */
export function cgroupQuota(root = '/'): number | null {
  let membership: string;
  try {
    membership = readFileSync(join(root, 'proc/self/cgroup'), 'utf8');
  } catch {
    return null; // not Linux, or /proc not mounted
  }
  let v1: string | null = null;
  for (const line of membership.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined) continue;
    if (controllers === '') {
      const v2 = walkUp(join(root, 'sys/fs/cgroup'), path, (dir) => v2Quota(dir));
      if (v2 !== null) return v2;
    } else if (controllers!.split(',').includes('cpu')) {
      v1 = path;
    }
  }
  if (v1 === null) return null;
  for (const mount of ['cpu,cpuacct', 'cpu']) {
    const quota = walkUp(join(root, 'sys/fs/cgroup', mount), v1, (dir) => v1Quota(dir));
    if (quota !== null) return quota;
  }
  return null;
}

/**
 * The smallest quota from the cgroup at `path` up to the mount's root. Inside
 * a container the mount's root is the container's own cgroup while
 * /proc/self/cgroup may still name the host's path: a directory that does not
 * exist is skipped, so the walk ends at the mount's root.
 */
function walkUp(mount: string, path: string, quotaOf: (dir: string) => number | null | undefined): number | null {
  let least: number | null = null;
  const parts = path.split('/').filter(Boolean);
  for (let depth = parts.length; depth >= 0; depth--) {
    const quota = quotaOf(join(mount, ...parts.slice(0, depth)));
    if (quota != null && (least === null || quota < least)) least = quota;
  }
  return least;
}

/** `cpu.max`: `QUOTA PERIOD` or `max PERIOD`. Undefined when the file is absent. */
function v2Quota(dir: string): number | null | undefined {
  const text = readOptional(join(dir, 'cpu.max'));
  if (text === undefined) return undefined;
  const [quota, period] = text.trim().split(/\s+/);
  return quota === 'max' ? null : ratio(quota, period);
}

/** `cpu.cfs_quota_us` (-1: none) over `cpu.cfs_period_us`. */
function v1Quota(dir: string): number | null | undefined {
  const quota = readOptional(join(dir, 'cpu.cfs_quota_us'));
  if (quota === undefined) return undefined;
  return ratio(quota.trim(), readOptional(join(dir, 'cpu.cfs_period_us'))?.trim());
}

function ratio(quota: string | undefined, period: string | undefined): number | null {
  const q = Number(quota);
  const p = Number(period);
  return Number.isFinite(q) && q > 0 && Number.isFinite(p) && p > 0 ? q / p : null;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
