import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { QType } from '../wire/constants.js';
import { buildQuery } from '../wire/query.js';

export interface QueryOptions {
  readonly transport?: 'udp' | 'tcp';
  readonly address?: string;
  /** Adds an OPT with this UDP size. */
  readonly edns?: { readonly udpSize: number; readonly do?: boolean };
  readonly id?: number;
  /** The question's class (default IN). */
  readonly qclass?: number;
  readonly timeoutMs?: number;
  /** The client's own port (default: one the kernel picks). */
  readonly localPort?: number;
}

/** Where an exchange goes, how long it waits, and the client's own port. */
export interface ExchangeOptions {
  readonly address?: string;
  readonly timeoutMs?: number;
  readonly localPort?: number;
}

export interface Reply {
  readonly msg: Buffer;
  readonly packet: dnsPacket.DecodedPacket;
  readonly rcode: number;
}

/** The loopback address of the family of `address`, where a client with its own port binds. */
const loopbackFor = (address: string): string => (address.includes(':') ? '::1' : '127.0.0.1');

/** Sends raw bytes over UDP to a loopback server and resolves with the first reply (rejects on timeout). */
export function exchangeUdp(port: number, msg: Uint8Array, options: ExchangeOptions = {}): Promise<Buffer> {
  const address = options.address ?? '127.0.0.1';
  const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no UDP reply from ${address}:${port} within ${options.timeoutMs ?? 2000}ms`));
    }, options.timeoutMs ?? 2000);
    socket.once('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    if (options.localPort === undefined) socket.send(msg, port, address);
    else socket.bind(options.localPort, loopbackFor(address), () => socket.send(msg, port, address));
  });
}

/**
 * Sends `msg` as one length-framed query once `socket` emits `ready`, and
 * resolves with the first framed reply; rejects on an error, on `timeoutMs`,
 * or when the connection closes without a reply. TCP and DNS over TLS alike.
 */
export function exchangeFramed(socket: net.Socket, ready: string, msg: Uint8Array, timeoutMs: number, kind: string, where: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const settle = (err: Error | null, reply?: Buffer): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => settle(new Error(`no ${kind} reply from ${where} within ${timeoutMs}ms`)), timeoutMs);
    socket.once(ready, () => {
      const frame = Buffer.alloc(2 + msg.length);
      frame.writeUInt16BE(msg.length, 0);
      frame.set(msg, 2);
      socket.write(frame);
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) settle(null, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    socket.once('error', (err) => settle(err));
    socket.once('close', () => settle(new Error(`${kind} connection to ${where} closed without a reply`)));
  });
}

/** Sends raw bytes as one framed query over a new TCP connection and resolves with the reply. */
export function exchangeTcp(port: number, msg: Uint8Array, options: ExchangeOptions = {}): Promise<Buffer> {
  const address = options.address ?? '127.0.0.1';
  const local = options.localPort === undefined ? {} : { localPort: options.localPort, localAddress: loopbackFor(address) };
  return exchangeFramed(net.connect({ host: address, port, ...local }), 'connect', msg, options.timeoutMs ?? 2000, 'TCP', `${address}:${port}`);
}

/** Queries a server on loopback for `name` and `type` and decodes the reply. */
export async function query(port: number, name: string, type: number | keyof typeof QType = 'A', options: QueryOptions = {}): Promise<Reply> {
  const qtype = typeof type === 'number' ? type : QType[type];
  const msg = buildQuery(name, qtype, {
    ...(options.id !== undefined ? { id: options.id } : {}),
    ...(options.qclass !== undefined ? { qclass: options.qclass } : {}),
    ...(options.edns ? { edns: options.edns } : {}),
  });
  const exchange = options.transport === 'tcp' ? exchangeTcp : exchangeUdp;
  const { address, timeoutMs, localPort } = options;
  const reply = await exchange(port, msg, { ...(address ? { address } : {}), ...(timeoutMs ? { timeoutMs } : {}), ...(localPort !== undefined ? { localPort } : {}) });
  return decodeReply(reply);
}

export function decodeReply(msg: Buffer): Reply {
  return { msg, packet: dnsPacket.decode(msg), rcode: msg[3]! & 0x0f };
}
