// How the image runs chaindns, read from deploy/Dockerfile's last stage: the node flags between
// `node` and the script in its ENTRYPOINT, and its ENV (the C allocator's settings among them).
// The benches that stand for the image run their servers the same way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `root`: the repository (or a checkout of it) whose deploy/Dockerfile is read. */
export function imageRuntime(root) {
  const text = readFileSync(join(root, 'deploy/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const last = text.slice(text.lastIndexOf('\nFROM '));
  const entrypoint = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(last)[1]);
  const env = {};
  for (const m of last.matchAll(/^ENV\s+(.+)$/gm)) {
    for (const pair of m[1].trim().split(/\s+/)) env[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
  }
  return { nodeArgs: entrypoint.slice(1, -1), env };
}
