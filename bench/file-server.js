// chaindns as the binary runs it (its GC flag, its default UDP transport: the
// batched native one where the addon is built), serving one zone with the
// file plugin: `node bench/file-server.js PORT ZONEFILE ORIGIN`.
import { start, tuneGc } from '../packages/chaindns/dist/src/index.js';
import { silentLogger } from '../packages/core/dist/src/index.js';

tuneGc();
const [port, zonefile, origin] = process.argv.slice(2);
const server = await start({
  corefile: `${origin}:${port} {\n  bind 127.0.0.1\n  file ${zonefile} {\n    reload 0\n  }\n}\n`,
  logger: silentLogger,
});
const stop = () => void server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
