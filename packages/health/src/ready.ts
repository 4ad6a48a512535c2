import type { Logger, ServerStatus } from '@chaindns/core';
import { type HttpAnswer, OK } from './http.js';

const SHUTTING_DOWN: HttpAnswer = { status: 503, body: 'Shutting down' };

/**
 * `/ready`: 200 `OK` when every readiness check passes; 503 `Shutting down`
 * once the server stops (the lameduck included); else 503 and the names not
 * ready, sorted and comma-separated, as CoreDNS writes them. Checks named
 * in `settled` are not asked; those that pass join it (`monitor until-ready`).
 */
export function readyAnswer(status: ServerStatus, log: Logger, settled?: Set<string>): HttpAnswer {
  if (status.stopping) return SHUTTING_DOWN;
  const waiting = status.notReady(settled);
  if (waiting.length === 0) return OK;
  const body = waiting.join(',');
  log.info(`Plugins not ready: "${body}"`);
  return { status: 503, body };
}
