import { Counter, type Registry } from '@chaindns/core';

/**
 * `process_cpu_seconds_total` and its user and system halves, as Go's process
 * collector reports them: the CPU time since the process started, read when
 * Prometheus scrapes. prom-client has the same collector, but it loads the
 * OpenTelemetry API for exemplars (about 0.6 MB of RSS, bench/README.md).
 */
export function processCpu(registry: Registry): void {
  let last = { user: 0, system: 0 };
  const user = new Counter({
    name: 'process_cpu_user_seconds_total',
    help: 'Total user CPU time spent in seconds.',
    registers: [registry],
    // One collect sets all three, from one reading.
    collect() {
      const now = process.cpuUsage();
      const userSeconds = (now.user - last.user) / 1e6;
      const systemSeconds = (now.system - last.system) / 1e6;
      last = now;
      user.inc(userSeconds);
      system.inc(systemSeconds);
      total.inc(userSeconds + systemSeconds);
    },
  });
  const system = new Counter({ name: 'process_cpu_system_seconds_total', help: 'Total system CPU time spent in seconds.', registers: [registry] });
  const total = new Counter({ name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', registers: [registry] });
}
