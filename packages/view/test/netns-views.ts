/**
 * Run by server.test.ts inside a network namespace whose loopback has the
 * addresses 192.168.1.1, 10.9.9.9 and 2001:db8::1: serves README example
 * `argv[2]` (its index) on every address and asks `test.` with dig from each,
 * printing `{ source: answer }` as JSON.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readmeCorefiles, startTestServer } from '@chaindns/core/testing';
import { plugins } from './stand-ins.js';

const corefile = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname)[Number(process.argv[2])]!;
const s = await startTestServer(corefile, { plugins, defaultAddresses: ['::'] });
const answers: Record<string, string> = {};
try {
  for (const [source, type] of [['192.168.1.1', 'A'], ['10.9.9.9', 'A'], ['2001:db8::1', 'AAAA'], ['2001:db8::1', 'A'], ['127.0.0.1', 'A']] as const) {
    for (const transport of ['+notcp', '+tcp']) {
      // Asynchronously: the server answers from this process.
      const { stdout } = await promisify(execFile)('dig', [`@${source}`, '-p', String(s.port), '-b', source, transport, '+short', '+tries=1', '+time=2', 'test', type]);
      answers[`${source} ${type} ${transport}`] = stdout.trim();
    }
  }
} finally {
  await s.stop();
}
process.stdout.write(JSON.stringify(answers));
