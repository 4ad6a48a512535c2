import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@chaindns/core';
import { Consolidator, type ConsolidateRule, goDuration } from '../src/index.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function consolidator(rules: Partial<ConsolidateRule>[]): { c: Consolidator; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l), debug: true }).child('plugin/errors');
  const full = rules.map((r) => ({ periodMs: 30, pattern: /timeout$/, source: 'timeout$', level: 'error' as const, ...r }));
  return { c: new Consolidator(full, log), lines };
}

test('matching messages are counted and reported once the period ends', async () => {
  const { c, lines } = consolidator([{}]);
  assert.equal(c.absorb('read udp: i/o timeout'), true);
  assert.equal(c.absorb('dial tcp: i/o timeout'), true);
  assert.equal(c.absorb('no healthy upstream'), false, 'no rule matches: the caller logs it');
  assert.deepEqual(lines, []);
  await sleep(50);
  assert.deepEqual(lines, ["[ERROR] plugin/errors: 2 errors like 'timeout$' occurred in last 30ms"]);
  c.absorb('i/o timeout');
  await sleep(50);
  assert.equal(lines[1], "[ERROR] plugin/errors: 1 errors like 'timeout$' occurred in last 30ms", 'a new period');
});

test('the first matching rule takes a message; each rule logs at its level', async () => {
  const { c, lines } = consolidator([
    { pattern: /^dial/, source: '^dial', level: 'warning' },
    { pattern: /timeout/, source: 'timeout', level: 'info' },
    { pattern: /refused/, source: 'refused', level: 'debug' },
  ]);
  for (const m of ['dial tcp: i/o timeout', 'read: timeout', 'read: timeout', 'connection refused']) c.absorb(m);
  await sleep(50);
  assert.deepEqual(lines.sort(), [
    "[DEBUG] plugin/errors: 1 errors like 'refused' occurred in last 30ms",
    "[INFO] plugin/errors: 2 errors like 'timeout' occurred in last 30ms",
    "[WARNING] plugin/errors: 1 errors like '^dial' occurred in last 30ms",
  ]);
});

test('stop reports what is counted at once, then absorbs nothing', () => {
  const { c, lines } = consolidator([{ periodMs: 60_000, source: 'timeout$' }]);
  c.absorb('i/o timeout');
  c.absorb('i/o timeout');
  c.stop();
  assert.deepEqual(lines, ["[ERROR] plugin/errors: 2 errors like 'timeout$' occurred in last 1m0s"]);
  assert.equal(c.absorb('i/o timeout'), false);
});

test('durations print as Go prints them', () => {
  const cases: [number, string][] = [
    [30_000, '30s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
    [5_430_500, '1h30m30.5s'],
    [90_000, '1m30s'],
    [1_500, '1.5s'],
    [250, '250ms'],
    [1.5, '1.5ms'],
    [0.002, '2µs'],
    [0.000001, '1ns'],
  ];
  for (const [ms, want] of cases) assert.equal(goDuration(ms), want, `${ms}ms`);
});
