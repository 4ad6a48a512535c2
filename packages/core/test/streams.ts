import assert from 'node:assert/strict';
import net from 'node:net';
import { eventually } from '../src/testing/index.js';

/** A message framed for a stream (RFC 7766): its length in two bytes, then the message. */
export function frame(msg: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(msg.length);
  return Buffer.concat([head, msg]);
}

/** Resolves with how long `socket` stayed open from now, 0 when it is closed already (rejects past `limitMs`). */
export function closesWithin(socket: net.Socket, limitMs: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve(0);
    const timer = setTimeout(() => reject(new Error(`still open after ${limitMs}ms`)), limitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
}

/**
 * Opens 150 connections from 127.0.0.1 that send nothing and waits until the
 * server has closed the 50 past its per-client limit of 100; the caller
 * destroys the ones left (they are destroyed here when the wait fails).
 */
export async function holdSilentConnections(port: number): Promise<net.Socket[]> {
  const silent: net.Socket[] = [];
  for (let i = 0; i < 150; i++) {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1' });
    socket.on('error', () => {});
    silent.push(socket);
  }
  const open = (): number => silent.filter((c) => !c.destroyed).length;
  try {
    await eventually(() => assert.ok(open() <= 100, `${open()} of 150 silent connections open`), 5000);
  } catch (err) {
    for (const c of silent) c.destroy();
    throw err;
  }
  return silent;
}
