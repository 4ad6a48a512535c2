import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../src/index.js';

test('the embedding example starts, answers and stops', async () => {
  assert.match(await main(), /^chaindns answered on 127\.0\.0\.1:\d+; whoami says 127\.0\.0\.1$/);
});
