import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

/** What a stub receiver saw on one connection. */
export interface Seen {
  /** Control frames by name, in order (READY, START, STOP). */
  readonly controls: string[];
  /** The content types READY offered. */
  readonly offered: string[];
  /** Data frames received. */
  data: number;
}

export interface StubOptions {
  /** The content type ACCEPT names (default dnstap's). */
  readonly accept?: string;
  /** After START, stop reading: the socket's buffers fill and stay full. */
  readonly stall?: boolean;
}

export interface StubReceiver {
  readonly connections: Seen[];
  close(): Promise<void>;
}

const NAMES: Record<number, string> = { 1: 'ACCEPT', 2: 'START', 3: 'STOP', 4: 'READY', 5: 'FINISH' };

function control(type: number, contentType?: string): Buffer {
  const ct = contentType === undefined ? Buffer.alloc(0) : Buffer.from(contentType);
  const fields = ct.length > 0 ? 8 + ct.length : 0;
  const out = Buffer.alloc(12 + fields);
  out.writeUInt32BE(4 + fields, 4);
  out.writeUInt32BE(type, 8);
  if (fields > 0) {
    out.writeUInt32BE(1, 12);
    out.writeUInt32BE(ct.length, 16);
    ct.copy(out, 20);
  }
  return out;
}

/**
 * A Frame Streams reader written for the tests, on a unix socket: it speaks
 * the reader's half of the bidirectional handshake (ACCEPT to READY, FINISH
 * to STOP) and records what it saw; with `stall` it stops reading after START.
 */
export async function startStubReceiver(path: string, options: StubOptions = {}): Promise<StubReceiver> {
  const connections: Seen[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const seen: Seen = { controls: [], offered: [], data: 0 };
    connections.push(seen);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4) {
        const length = buf.readUInt32BE(0);
        if (length > 0) {
          if (buf.length < 4 + length) return;
          seen.data++;
          buf = buf.subarray(4 + length);
          continue;
        }
        if (buf.length < 8 || buf.length < 8 + buf.readUInt32BE(4)) return;
        const frame = buf.subarray(8, 8 + buf.readUInt32BE(4));
        buf = buf.subarray(8 + frame.length);
        const type = frame.readUInt32BE(0);
        seen.controls.push(NAMES[type] ?? String(type));
        if (type === 4) {
          for (let off = 4; off + 8 <= frame.length; off += 8 + frame.readUInt32BE(off + 4)) seen.offered.push(frame.toString('latin1', off + 8, off + 8 + frame.readUInt32BE(off + 4)));
          socket.write(control(1, options.accept ?? 'protobuf:dnstap.Dnstap'));
        } else if (type === 2 && options.stall) {
          socket.pause();
        } else if (type === 3) {
          socket.end(control(5));
        }
      }
    });
  });
  server.listen(path);
  await once(server, 'listening');
  return {
    connections,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
