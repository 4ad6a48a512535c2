import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { availableCpus, cgroupQuota } from '../src/cpus.js';
import { tempDir } from './harness.js';

/** A root with the given files: /proc/self/cgroup and the cgroup filesystem's. */
function root(files: Record<string, string>): ReturnType<typeof tempDir> {
  const dir = tempDir('chaindns-cgroup-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir.path, path)), { recursive: true });
    writeFileSync(join(dir.path, path), text);
  }
  return dir;
}

test('-workers auto: the CPUs the process may use, within its cgroup\'s quota, rounded up', async (t) => {
  const cases: { name: string; files: Record<string, string>; quota: number | null; cpus: number }[] = [
    { name: 'v2, no limit', files: { 'proc/self/cgroup': '0::/pod/c\n', 'sys/fs/cgroup/pod/c/cpu.max': 'max 100000\n' }, quota: null, cpus: 8 },
    { name: 'v2, 1.5 CPUs', files: { 'proc/self/cgroup': '0::/pod/c\n', 'sys/fs/cgroup/pod/c/cpu.max': '150000 100000\n' }, quota: 1.5, cpus: 2 },
    { name: 'v2, the parent is tighter', files: { 'proc/self/cgroup': '0::/pod/c\n', 'sys/fs/cgroup/pod/c/cpu.max': '400000 100000\n', 'sys/fs/cgroup/pod/cpu.max': '300000 100000\n' }, quota: 3, cpus: 3 },
    { name: 'v2 in a container: its own cgroup is the root of the mount', files: { 'proc/self/cgroup': '0::/kubepods/pod1/c\n', 'sys/fs/cgroup/cpu.max': '200000 100000\n' }, quota: 2, cpus: 2 },
    { name: 'v2, a quota above the machine', files: { 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': '1600000 100000\n' }, quota: 16, cpus: 8 },
    { name: 'v1, cpu,cpuacct', files: { 'proc/self/cgroup': '4:memory:/x\n3:cpu,cpuacct:/x\n0::/\n', 'sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_quota_us': '250000\n', 'sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_period_us': '100000\n' }, quota: 2.5, cpus: 3 },
    { name: 'v1, no quota (-1)', files: { 'proc/self/cgroup': '1:cpu:/\n', 'sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', 'sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }, quota: null, cpus: 8 },
    { name: 'a tiny quota still gets one', files: { 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': '10000 100000\n' }, quota: 0.1, cpus: 1 },
    { name: 'no /proc', files: {}, quota: null, cpus: 8 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const dir = root(c.files);
      try {
        assert.equal(cgroupQuota(dir.path), c.quota);
        assert.equal(availableCpus(dir.path, 8), c.cpus);
      } finally {
        dir.remove();
      }
    });
  }
});
