import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger, type ServerStatus } from '@chaindns/core';
import { readyAnswer } from '../src/ready.js';

const status = (notReady: string[], stopping = false): ServerStatus => ({ notReady: () => notReady, unhealthy: () => [], stopping });

test('/ready answers OK, the names not ready, or Shutting down', () => {
  const cases = [
    { status: status([]), want: { status: 200, body: 'OK' }, logged: [] },
    { status: status(['kubernetes']), want: { status: 503, body: 'kubernetes' }, logged: ['Plugins not ready: "kubernetes"'] },
    { status: status(['erratic', 'kubernetes']), want: { status: 503, body: 'erratic,kubernetes' }, logged: ['Plugins not ready: "erratic,kubernetes"'] },
    { status: status(['shutdown'], true), want: { status: 503, body: 'Shutting down' }, logged: [] },
  ];
  for (const c of cases) {
    const logged: string[] = [];
    assert.deepEqual(readyAnswer(c.status, { ...silentLogger, info: (m) => void logged.push(m) }), c.want);
    assert.deepEqual(logged, c.logged);
  }
});
