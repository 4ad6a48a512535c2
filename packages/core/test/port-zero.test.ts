import assert from 'node:assert/strict';
import { test } from 'node:test';
import { netnsUnavailable, runInNetns } from '../src/testing/index.js';

const skip = netnsUnavailable() ?? false;

/**
 * Port-0 keys on two addresses share the port the first one got; in a
 * namespace with two ephemeral ports, one of them taken on 127.0.0.1 only,
 * half the starts meet it there. Each start must still succeed.
 */
test('port-0 listeners on ::1 and 127.0.0.1 choose again when the first free port is taken on the second address', { skip }, async () => {
  const testing = new URL('../src/testing/index.js', import.meta.url).href;
  const core = new URL('../src/index.js', import.meta.url).href;
  const script = `
    import net from 'node:net';
    const { definePlugin } = await import(${JSON.stringify(core)});
    const { startTestServer } = await import(${JSON.stringify(testing)});
    const blocker = net.createServer();
    await new Promise((r) => blocker.listen(40000, '127.0.0.1', r));
    const bind = definePlugin({ name: 'bind', parse: () => null, setup: (_c, ctx) => ctx.bind(['::1', '127.0.0.1']) });
    const ports = [];
    for (let i = 0; i < 12; i++) {
      const s = await startTestServer('.:0 {\\n bind\\n}\\n', { plugins: [bind] });
      ports.push(s.port);
      await s.stop();
    }
    blocker.close();
    console.log(ports.join(' '));
  `;
  const run = await runInNetns('sh', ['-c', 'echo "40000 40001" > /proc/sys/net/ipv4/ip_local_port_range && exec node --input-type=module -e "$0"', script], { timeoutMs: 30_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(new Set(run.stdout.trim().split(' ')), new Set(['40001']));
});
