import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { netnsUnavailable, runInNetns } from '@chaindns/core/testing';
import { resolveUdp } from '../src/udp.js';
import { cli, tempDir } from './harness.js';

/**
 * CoreDNS's standard Corefile, with `forward . /etc/resolv.conf` and a
 * resolv.conf that names the server itself (as a pod whose resolv.conf points
 * at a node-local stub). resolv.conf has no ports, so the server runs on 53,
 * in a network namespace of the test's own.
 */
const dir = tempDir('chaindns-loop-');
after(() => dir.remove());
const resolv = dir.file('resolv.conf');
writeFileSync(resolv, 'nameserver 127.0.0.1\n');
const corefile = dir.file('Corefile');
writeFileSync(corefile, `. {\n    errors\n    health {\n        lameduck 5s\n    }\n    ready\n    cache 30\n    loop\n    forward . ${resolv}\n}\n`);

const LOOP = /^\[FATAL\] plugin\/loop: Loop \(127\.0\.0\.1:\d+ -> :53\) detected for zone "\.", see https:\/\/coredns\.io\/plugins\/loop#troubleshooting\. Query: "HINFO \d+\.\d+\."$/m;

const netns = netnsUnavailable();
const nativeMissing = (await resolveUdp('auto')).reason;

for (const udp of ['dgram', 'native'] as const) {
  const skip = netns ?? (udp === 'native' ? nativeMissing : undefined) ?? false;
  test(`udp ${udp}: a forward to itself behind cache exits 1 with CoreDNS's loop message at once (no lameduck, not after the 30s give-up)`, { skip }, async () => {
    const run = await runInNetns(process.execPath, [cli, '-udp', udp, '-conf', corefile], { timeoutMs: 40_000 });
    const output = run.stdout + run.stderr;
    assert.equal(run.code, 1, output);
    assert.match(output, LOOP);
    assert.match(output, new RegExp(`udp ${udp === 'native' ? 'udp-native' : 'dgram'}`));
    assert.ok(run.ms < 5000, `exited after ${Math.round(run.ms)}ms`);
    assert.doesNotMatch(output, /lameduck/);
  });
}
