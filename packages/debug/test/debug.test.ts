import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rcode } from '@chaindns/core';
import { endOfChain, makeRequest, serveWith } from '@chaindns/core/testing';
import { createDebug } from '../src/index.js';

test('debug passes a query on', async () => {
  const { rcode, recorder } = await serveWith(createDebug(), makeRequest('example.org', 'A'), endOfChain);
  assert.equal(rcode, Rcode.SERVFAIL);
  assert.equal(recorder.writes, 0);
});
