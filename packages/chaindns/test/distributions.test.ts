import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { netnsUnavailable, runInNetns } from '@chaindns/core/testing';
import { DISTRIBUTIONS, mismatch, type SceneResult } from './distributions/cases.js';
import { cli, hasBinary, tempDir } from './harness.js';

/**
 * The default Corefiles of k3s, OpenShift, AKS, Kubespray, Talos, MicroK8s
 * and NodeLocal DNSCache (test/fixtures/distributions/, each as its
 * distribution ships it) run unchanged by the real binary, in a pod built
 * inside namespaces of the test's own (distributions/scene.ts): files at
 * their real paths, an in-cluster service account and API server, a node
 * resolver behind a veth pair. Real dig asks what exercises each one's
 * plugins; curl probes health, ready and metrics.
 */

const scene = new URL('./distributions/scene.js', import.meta.url).pathname;
const fixtures = new URL('../../test/fixtures/distributions/', import.meta.url).pathname;

/** The directives the binary has: a fixture that uses another waits for it (its test turns on when the plugin lands). */
const plugins = new Set(execFileSync(process.execPath, [cli, '-plugins'], { encoding: 'utf8' }).split('\n').filter(Boolean));
/** The clients the scene runs, and their Debian packages. */
const tools = Object.entries({ dig: 'bind9-dnsutils', curl: 'curl', openssl: 'openssl' }).filter(([bin]) => !hasBinary(bin));
const prerequisite = netnsUnavailable({ mount: true }) ?? (tools.length ? `needs ${tools.map(([bin, pkg]) => `${bin} (Debian: ${pkg})`).join(', ')}` : null);

function missingPlugins(fixture: string): string[] {
  const path = fixtures + fixture;
  const used = parseCorefile(readFileSync(path, 'utf8'), { file: path }).blocks.flatMap((b) => b.directives.map((d) => d.name));
  return [...new Set(used)].filter((name) => !plugins.has(name));
}

for (const d of DISTRIBUTIONS) {
  const missing = missingPlugins(d.fixture);
  const skip = prerequisite ?? (missing.length ? `its Corefile uses ${missing.join(', ')}, not in chaindns -plugins yet` : false);
  test(`${d.name}: the default Corefile (${d.fixture}), unchanged, serves its pod`, { skip, timeout: 90_000 }, async (t) => {
    const scratch = tempDir('chaindns-distribution-');
    let result: SceneResult;
    try {
      const run = await runInNetns(process.execPath, [scene, d.name, scratch.path], { mount: true, addresses: d.addresses ?? [], timeoutMs: 60_000 });
      if (run.code === 77) return t.skip(run.stderr.trim());
      assert.equal(run.code, 0, `the scene failed (${run.code}):\n${run.stderr}`);
      result = JSON.parse(run.stdout) as SceneResult;
    } finally {
      scratch.remove();
    }
    const log = `\nchaindns:\n${result.log}`;
    for (const [i, q] of d.queries.entries()) {
      await t.test(`${q.why}: dig ${q.dig.join(' ')}${q.server ? ` @${q.server}` : ''}`, () => {
        const got = result.queries[i]!;
        const wrong = mismatch(q, got);
        assert.equal(wrong, null, `${wrong}:\n${got.output}${log}`);
      });
    }
    for (const [i, p] of d.probes.entries()) {
      await t.test(`GET ${p.url}`, () => {
        const got = result.probes[i]!;
        assert.equal(got.status, p.status, got.body + log);
        if (typeof p.body === 'string') assert.equal(got.body, p.body);
        else assert.match(got.body, p.body);
      });
    }
    for (const s of d.sent ?? []) {
      const how = [s.transport, s.udpSize && `EDNS ${s.udpSize}`].filter(Boolean).join(', ');
      await t.test(`${s.name} ${s.type} reached the ${s.to} ${s.count} time(s)${how ? ` (${how})` : ''}`, () => {
        const got = result.sent.filter((r) => r.to === s.to && r.name === s.name && r.type === s.type);
        assert.equal(got.length, s.count, JSON.stringify(result.sent));
        for (const r of got) {
          if (s.transport) assert.equal(r.transport, s.transport);
          if (s.udpSize) assert.equal(r.udpSize, s.udpSize);
        }
      });
    }
    if (d.logged) {
      const { why, line } = d.logged;
      await t.test(why, () => assert.match(result.log, line));
    }
  });
}
