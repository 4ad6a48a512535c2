import type http from 'node:http';
import { PROTOBUF_MEDIA_TYPE } from '../protobuf.js';
import { encodeObject, envelope } from './protobuf.js';

/** What the stand-in API server writes: the media type a request gets, its non-list bodies, and a body in pieces. */

export type Encoding = 'json' | 'protobuf';

/** The first media type of `accept` the server writes (any order of preference, as the header gives it); null: none. */
export function negotiate(accept: string, protobuf: boolean): Encoding | null {
  if (!accept.trim()) return 'json';
  for (const part of accept.split(',')) {
    const type = part.split(';')[0]!.trim().toLowerCase();
    if (type === PROTOBUF_MEDIA_TYPE && protobuf) return 'protobuf';
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return 'json';
  }
  return null;
}

/** A body that is not a list: a Status, in the encoding asked for. */
export function replyIn(encoding: Encoding, res: http.ServerResponse, code: number, body: Record<string, unknown>): void {
  if (encoding === 'protobuf') {
    res.writeHead(code, { 'Content-Type': PROTOBUF_MEDIA_TYPE });
    res.end(envelope(String(body.apiVersion), String(body.kind), encodeObject(String(body.kind), body)));
    return;
  }
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * A JSON list's body in pieces of about `size` characters, its items
 * stringified a piece at a time: the text of `JSON.stringify({ ...head, items })`.
 */
export function* jsonListPieces(head: Record<string, unknown>, items: readonly unknown[], size = 64 * 1024): Generator<Buffer> {
  // Up to the items' `[`.
  let text = JSON.stringify({ ...head, items: [] }).slice(0, -2);
  for (let i = 0; i < items.length; i++) {
    text += `${i > 0 ? ',' : ''}${JSON.stringify(items[i])}`;
    if (text.length < size) continue;
    yield Buffer.from(text);
    text = '';
  }
  yield Buffer.from(`${text}]}`);
}

/** Writes `pieces` and ends the reply: one piece a turn of the event loop, and none while the client's socket is full. */
export function writeInPieces(res: http.ServerResponse, pieces: Iterator<Buffer>): void {
  const next = (): void => {
    if (res.destroyed) return;
    const piece = pieces.next();
    if (piece.done) {
      res.end();
      return;
    }
    if (res.write(piece.value)) setImmediate(next);
    else res.once('drain', next);
  };
  next();
}
