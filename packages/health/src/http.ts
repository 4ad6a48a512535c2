import { formatHostPort, type HostPort, HttpListener, sendText, type SetupContext } from '@chaindns/core';

/** An HTTP listen address: `:8080`, `127.0.0.1:8080`, `[::1]:8080`, `localhost:8181`. */
export type HttpAddress = HostPort;

/** What a path answers: an HTTP status and a plain-text body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export type PathHandler = () => HttpAnswer;

export const OK: HttpAnswer = { status: 200, body: 'OK' };

/**
 * Serves `path` on the listener for `address`, shared by every block and
 * config generation that names the same address (health and ready may
 * share one): opened by the first, kept across a reload, closed when the
 * last holder is retired. The handler is withdrawn when this config
 * generation shuts down.
 */
export async function servePath(ctx: SetupContext, address: HttpAddress, path: string, handler: PathHandler): Promise<HttpListener> {
  const listener = await ctx.shared(
    `http:${formatHostPort(address)}`,
    async () => {
      const opened = await HttpListener.open(address, ctx.listen);
      ctx.log.info(`listening on ${opened.url}`);
      return opened;
    },
    (l) => l.close(),
  );
  ctx.onShutdown(
    listener.serve(path, (_req, res) => {
      const { status, body } = handler();
      sendText(res, status, body);
    }),
  );
  return listener;
}
