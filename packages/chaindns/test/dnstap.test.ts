import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import { dig, eventually, freePort, startTestUpstream } from '@chaindns/core/testing';
import { startChaindns, tempDir } from './harness.js';

// dnstap out of the real binary, with the real forward: fstrm_capture (Debian's fstrm-bin) receives, dnstap-ldns decodes.
const dir = tempDir('chaindns-dnstap-');
after(() => dir.remove());

/** True when the unix socket `path` accepts a connection (closed at once). */
function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path, () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

test('the binary taps client and forwarder messages of queries dig sends through forward to fstrm_capture', async () => {
  const sock = dir.file('tap.sock');
  const capture = spawn('fstrm_capture', ['-t', 'protobuf:dnstap.Dnstap', '-u', sock, '-w', dir.file('tap.fstrm')], { stdio: 'ignore' });
  const upstream = await startTestUpstream({ records: ['example.org. 300 IN A 192.0.2.7'] });
  const upstreamPort = upstream.port;
  const port = await freePort();
  const conf = dir.file('Corefile');
  writeFileSync(conf, [`.:${port} {`, '    bind 127.0.0.1', `    dnstap unix://${sock} full {`, '        identity e2e', '    }', `    forward . 127.0.0.1:${upstream.port}`, '}', ''].join('\n'));
  try {
    // fstrm_capture creates its socket a moment after it starts.
    await eventually(() => accepts(sock), 3000, 'fstrm_capture accepting');
    const dns = await startChaindns(['-conf', conf]);
    try {
      for (const tcp of [[], ['+tcp']]) {
        const stdout = await dig(port, '+short', ...tcp, 'example.org', 'A');
        assert.equal(stdout.trim(), '192.0.2.7');
      }
    } finally {
      assert.equal(await dns.stop(), 0, dns.output());
    }
  } finally {
    capture.kill('SIGTERM');
    await once(capture, 'exit');
    await upstream.stop();
  }
  const lines = execFileSync('dnstap-ldns', ['-q', '-r', dir.file('tap.fstrm')], { encoding: 'utf8' }).trim().split('\n');
  // `DATE TIME TYPE ADDRESS PROTOCOL SIZE "NAME" CLASS TYPE`: the client for CQ/CR, the upstream for FQ/FR.
  assert.deepEqual(
    lines.map((l) => l.split(' ').slice(2, 5).concat(l.split(' ').slice(6)).join(' ')),
    ['UDP', 'TCP'].flatMap((p) => ['CQ', 'FQ', 'FR', 'CR'].map((type) => `${type} 127.0.0.1 ${p} "example.org." IN A`)),
  );
  const yaml = execFileSync('dnstap-ldns', ['-y', '-r', dir.file('tap.fstrm')], { encoding: 'utf8' });
  assert.equal(yaml.match(/^identity: "e2e"$/gm)?.length, 8);
  assert.equal(yaml.match(new RegExp(`^  response_port: ${upstreamPort}$`, 'gm'))?.length, 4, 'FQ and FR name the upstream port');
});
