import { type Handler, type Logger, type Next, PluginError, type Request, type ResponseWriter, type Result } from '@chaindns/core';
import type { Consolidator } from './consolidate.js';

/**
 * The `errors` handler: catches the PluginError a later plugin throws or
 * rejects with, logs it as CoreDNS does (`[ERROR] plugin/errors: RCODE NAME
 * TYPE: message`, or folds it into a consolidated line) and returns its
 * rcode unwritten, for the server to answer with. Any other throw is a crash:
 * it goes on to the core, which logs it and counts a panic.
 */
export function createErrors(consolidator: Consolidator, log: Logger): Handler {
  const handle = (req: Request, err: unknown): number => {
    if (!(err instanceof PluginError)) throw err;
    if (!consolidator.absorb(err.message)) log.error(`${err.rcode} ${req.qname} ${req.qtypeName}: ${err.message}`);
    return err.rcode;
  };
  return {
    name: 'errors',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      let result: Result;
      try {
        result = next(req, w);
      } catch (err) {
        return handle(req, err);
      }
      return typeof result === 'number' ? result : result.catch((err: unknown) => handle(req, err));
    },
  };
}
