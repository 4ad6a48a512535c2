// A process's memory as /proc shows it, for the benches that measure footprint (flood.js,
// footprint.js): RSS and its parts, and a sampler for the peak.
import { readFileSync } from 'node:fs';

const MB = 1024;

/** VmRSS and its anonymous and file-backed parts (MB), from /proc/PID/status. */
export function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / MB, anon: kb('RssAnon') / MB, file: kb('RssFile') / MB };
}

/** smaps_rollup's Rss, Anonymous and the private dirty part, in MB. */
export function rollup(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN) / MB;
  return { rss: kb('Rss'), anonymous: kb('Anonymous'), privateDirty: kb('Private_Dirty') };
}

/** The resident part of the C allocator's main heap (`[heap]` in /proc/PID/smaps), in MB. */
export function mallocHeap(pid) {
  const text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const at = text.search(/ \[heap\]\n/);
  if (at < 0) return 0;
  return Number(/^Rss:\s+(\d+)/m.exec(text.slice(at))?.[1] ?? 0) / MB;
}

/** Samples the RSS of `pid` every `ms` until `stop()`; `peak` is the highest seen (MB). */
export function sampler(pid, ms = 200) {
  let peak = 0;
  const take = () => {
    try {
      peak = Math.max(peak, rss(pid).rss);
    } catch {
      // The process has exited.
    }
  };
  take();
  const timer = setInterval(take, ms);
  return {
    get peak() {
      return peak;
    },
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}
