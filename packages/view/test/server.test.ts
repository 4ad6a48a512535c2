import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { Rcode } from '@chaindns/core';
import { netnsUnavailable, readmeCorefiles, runInNetns, startTestServer } from '@chaindns/core/testing';
import { plugins } from './stand-ins.js';

const readme = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

/** `dig +short` from `source` to the test server on `server`. */
async function dig(server: string, port: number, source: string, name: string, type: string, tcp = false): Promise<string> {
  const { stdout } = await promisify(execFile)('dig', [`@${server}`, '-p', String(port), '-b', source, tcp ? '+tcp' : '+notcp', '+short', '+tries=1', '+time=2', name, type]);
  return stdout.trim();
}

test('README split DNS by client address: dig from 127.0.0.1, 127.0.1.1 and ::1 gets each its view', async () => {
  const s = await startTestServer(readme[0]!, { plugins, defaultAddresses: ['127.0.0.1', '::1'] });
  try {
    for (const tcp of [false, true]) {
      assert.equal(await dig('127.0.0.1', s.port, '127.0.0.1', 'test', 'A', tcp), '1.1.1.1');
      assert.equal(await dig('127.0.0.1', s.port, '127.0.0.2', 'test', 'A', tcp), '1.1.1.1');
      // 127.0.1.1 is a loopback address outside 127.0.0.0/24, as ::1 is outside 2001:db8::/32: the catch-all answers.
      assert.equal(await dig('127.0.0.1', s.port, '127.0.1.1', 'test', 'A', tcp), '3.3.3.3');
      assert.equal(await dig('::1', s.port, '::1', 'test', 'A', tcp), '3.3.3.3');
    }
  } finally {
    await s.stop();
  }
});

test('README split DNS in a network namespace: 192.168.0.0/16, 2001:db8::/32 and the rest', { skip: netnsUnavailable() ?? false }, async () => {
  const script = fileURLToPath(new URL('./netns-views.js', import.meta.url));
  const run = await runInNetns(process.execPath, [script, '0'], { addresses: ['192.168.1.1', '10.9.9.9', '2001:db8::1'], timeoutMs: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  const answers = JSON.parse(run.stdout) as Record<string, string>;
  for (const transport of ['+notcp', '+tcp']) {
    assert.equal(answers[`192.168.1.1 A ${transport}`], '2.2.2.2');
    assert.equal(answers[`10.9.9.9 A ${transport}`], '3.3.3.3');
    assert.equal(answers[`2001:db8::1 AAAA ${transport}`], '2001:db8::1');
    // The v6 view's hosts has no A for test: NODATA there, not the catch-all's 3.3.3.3.
    assert.equal(answers[`2001:db8::1 A ${transport}`], '');
    assert.equal(answers[`127.0.0.1 A ${transport}`], '1.1.1.1');
  }
});

test('README: A and AAAA to one upstream, the rest to another', async () => {
  const s = await startTestServer(readme[1]!, { plugins });
  try {
    for (const tcp of [false, true]) {
      assert.equal(await dig('127.0.0.1', s.port, '127.0.0.1', 'example.org', 'A', tcp), '10.0.0.6');
      assert.equal(await dig('127.0.0.1', s.port, '127.0.0.1', 'example.org', 'AAAA', tcp), '10.0.0.6');
      assert.equal(await dig('127.0.0.1', s.port, '127.0.0.1', 'example.org', 'MX', tcp), '10.0.0.1');
    }
  } finally {
    await s.stop();
  }
});

test('README: abc.*.example.com to one upstream by a regex on the name', async () => {
  const s = await startTestServer(readme[2]!, { plugins });
  try {
    const cases: [string, string][] = [
      ['abc.x.example.com', '10.0.0.2'],
      ['ABC.x.y.Example.COM', '10.0.0.2'],
      ['abc.example.com', '10.0.0.1'],
      ['xabc.x.example.com', '10.0.0.1'],
      ['www.example.org', '10.0.0.1'],
    ];
    for (const [name, want] of cases) assert.equal(await dig('127.0.0.1', s.port, '127.0.0.1', name, 'A'), want, name);
  } finally {
    await s.stop();
  }
});

test('views of a zone fall back to a shorter zone, and two blocks without a view still clash', async () => {
  const corefile = `example.org {\n view inside {\n expr incidr(client_ip(), '127.0.0.0/24')\n }\n forward . 10.0.0.1\n}\n. {\n forward . 10.0.0.2\n}`;
  const s = await startTestServer(corefile, { plugins });
  try {
    assert.equal(await dig('127.0.0.1', s.port, '127.0.0.1', 'www.example.org', 'A'), '10.0.0.1');
    assert.equal(await dig('127.0.0.1', s.port, '127.0.1.1', 'www.example.org', 'A'), '10.0.0.2');
  } finally {
    await s.stop();
  }
  await assert.rejects(startTestServer('. {\n forward . 10.0.0.1\n}\n. {\n forward . 10.0.0.2\n}', { plugins }), /Corefile:4: zone \. on port \d+ is already defined at Corefile:1/);
  await assert.rejects(startTestServer('. {\n view a\n forward . 10.0.0.1\n}\n. {\n view b\n forward . 10.0.0.2\n}\n. {\n forward . 10.0.0.3\n}\n. {\n forward . 10.0.0.4\n}', { plugins }), /Corefile:12: zone \. on port \d+ is already defined at Corefile:9/);
  // REFUSED when no block of any zone takes the query.
  const only = await startTestServer(`example.org {\n view v {\n expr type() == 'MX'\n }\n forward . 10.0.0.1\n}`, { plugins });
  try {
    assert.equal((await only.query('example.org', 'A')).rcode, Rcode.REFUSED);
  } finally {
    await only.stop();
  }
});

test('a lookup a plugin makes through the server comes from the asking client, and takes its view', async () => {
  const corefile = `. {\n view inside {\n expr incidr(client_ip(), '127.0.0.0/24')\n }\n hosts {\n 1.1.1.1 target\n }\n alias name target\n}\n. {\n hosts {\n 3.3.3.3 target\n }\n alias name target\n}`;
  const s = await startTestServer(corefile, { plugins });
  try {
    assert.equal(await dig('127.0.0.1', s.port, '127.0.0.1', 'name', 'TXT'), '"1.1.1.1"');
    assert.equal(await dig('127.0.0.1', s.port, '127.0.1.1', 'name', 'TXT'), '"3.3.3.3"');
  } finally {
    await s.stop();
  }
});
