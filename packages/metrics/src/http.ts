import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HostPort, HttpListener, type Logger, type Registry, sendText, type SetupContext } from '@chaindns/core';

/** Where `/metrics` listens: `localhost:9153`, `:9153` (every address), `127.0.0.1:0` (a free port), `[::1]:9153`. */
export type HttpAddress = HostPort;

/** Opens a listener for `address` serving `registry` at `/metrics`, shared by every block that names the address. */
export async function openMetrics(address: HttpAddress, registry: Registry, log: Logger, listen?: SetupContext['listen']): Promise<HttpListener> {
  const listener = await HttpListener.open(address, listen);
  listener.serve('/metrics', (req, res) => void answer(registry, req, res));
  log.info(`serving /metrics on ${listener.url}/metrics`);
  return listener;
}

/** `/metrics`, any method, as promhttp serves it. */
async function answer(registry: Registry, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    sendText(res, 200, await registry.metrics(), registry.contentType);
  } catch (err) {
    sendText(res, 500, `An error has occurred while serving metrics:\n\n${err instanceof Error ? err.message : String(err)}\n`);
  }
}
