/**
 * One exchange with a primary over TCP (RFC 7766 framing): the query out,
 * answer messages in until the caller has what it asked for. Each step may
 * take `timeoutMs` (miekg/dns's two seconds to dial, write and read, which
 * CoreDNS's transfers and SOA checks use); a large transfer takes as long as
 * its messages keep coming.
 */
import { connect } from 'node:net';
import { formatHostPort } from '@chaindns/core';
import type { Primary } from './primary.js';
import { TransferError } from './response.js';

export const TIMEOUT_MS = 2000;

/**
 * Sends `query` to `primary` and hands it each answer message until
 * `onMessage` returns true. Rejects when it throws, on a timeout, when the
 * primary closes first, or when `signal` aborts.
 */
export function exchangeTcp(primary: Primary, query: Buffer, onMessage: (msg: Buffer) => boolean, signal: AbortSignal, timeoutMs = TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: primary.host, port: primary.port });
    let buffered: Buffer = Buffer.alloc(0);
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', abort);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const abort = (): void => finish(new TransferError('stopped'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort);
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs, () => finish(new TransferError(`${formatHostPort(primary)}: no answer within ${timeoutMs / 1000}s`)));
    socket.on('error', (err) => finish(new TransferError(`${formatHostPort(primary)}: ${err.message}`)));
    socket.on('close', () => finish(new TransferError(`${formatHostPort(primary)}: the connection closed before the answer ended`)));
    socket.on('connect', () => {
      const framed = Buffer.allocUnsafe(2 + query.length);
      framed.writeUInt16BE(query.length, 0);
      query.copy(framed, 2);
      socket.write(framed);
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (!done && buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < 2 + len) break;
        const msg = buffered.subarray(2, 2 + len);
        buffered = buffered.subarray(2 + len);
        try {
          if (onMessage(msg)) finish();
        } catch (err) {
          finish(err as Error);
        }
      }
    });
  });
}
