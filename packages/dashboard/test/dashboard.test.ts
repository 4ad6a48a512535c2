import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rcode } from '@chaindns/core';
import { endOfChain, makeRequest, serveWith } from '@chaindns/core/testing';
import { createDashboard } from '../src/index.js';

test('dashboard passes a query on', async () => {
  const { rcode, recorder } = await serveWith(createDashboard(), makeRequest('example.org', 'A'), endOfChain);
  assert.equal(rcode, Rcode.SERVFAIL);
  assert.equal(recorder.writes, 0);
});
