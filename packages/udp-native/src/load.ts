import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createNativeTransport, type NativeTransportOptions } from './native-transport.js';
import type { UdpTransport } from '@chaindns/core';

declare const handleBrand: unique symbol;
/** An open socket inside the addon (a napi external); only the addon reads it. */
export type NativeHandle = { readonly [handleBrand]: true };

/** The addon's face; src/native/udp-napi.c documents each function, src/native/udp.c the shared rows. */
export interface NativeAddon {
  /** Datagrams per batch, and so send slots and receive rows. */
  readonly BATCH: number;
  /** The largest reply a send slot holds; larger ones go out at once. */
  readonly SEND_SLOT: number;
  /** Bytes from one send slot to the next. */
  readonly SEND_STRIDE: number;
  /** Int32 words per row: length, family, port, 4 address words, scope id. */
  readonly ROW: number;
  open(
    address: string,
    port: number,
    reusePort: boolean,
    sendBuf: Buffer,
    sendMeta: Int32Array,
    recvMeta: Int32Array,
    onBatch: (pool: Buffer, offset: number, count: number) => void,
    onError: (code: string) => void,
  ): NativeHandle;
  /** Fills `row` with the local end; returns its family. */
  sockname(handle: NativeHandle, row: Int32Array): 4 | 6;
  /** With `detach`, a listener connected to itself: it takes no new datagram, and its sends keep their destinations. */
  connect(handle: NativeHandle, address: string, port: number, detach?: boolean): void;
  /** A TCP socket bound with SO_REUSEPORT (not listening): its descriptor (src/native/stream.c). */
  bindStream(address: string, port: number): number;
  /** Each returns the code of a send that failed (not for a full buffer), or undefined. */
  flush(handle: NativeHandle, count: number): string | undefined;
  sendTo(handle: NativeHandle, data: Uint8Array): string | undefined;
  close(handle: NativeHandle): void;
  parseAddress(text: string, row: Int32Array): 0 | 4 | 6;
  formatAddress6(w0: number, w1: number, w2: number, w3: number, scope: number): string;

  // DNS over TCP (src/native/tcp.c documents the event rows). A connection is an id.
  /** Int32 words per event row, and rows per call of onBatch. */
  readonly TCP_ROW: number;
  readonly TCP_ROWS: number;
  /** A connection id's low TCP_SLOT_BITS bits are its slot: at most one open connection holds a slot. */
  readonly TCP_SLOT_BITS: number;
  /** A listening TCP socket; onBatch gets each wakeup's events in `meta`, their messages back to back in `pool` from `offset`. */
  tcpListen(address: string, port: number, reusePort: boolean, maxPending: number, meta: Int32Array,
    onBatch: (pool: Buffer | undefined, offset: number, count: number) => void): NativeHandle;
  /** Fills `row` (ROW words, as sockname) with the local end; returns its family. */
  tcpSockname(handle: NativeHandle, row: Int32Array): 4 | 6;
  /** Writes a length-prefixed message (during onBatch: queued, written when it returns; a BLOCKED event if the client does not take it): 0 written or queued, 1 part waits for the client (a DRAINED event follows), -1 the connection is gone or failed. */
  tcpSend(handle: NativeHandle, id: number, data: Uint8Array, answers: boolean): -1 | 0 | 1;
  /** A query handed out needs no answer. */
  tcpAnswered(handle: NativeHandle, id: number): void;
  tcpClose(handle: NativeHandle, id: number): void;
  /** True when closed at once; else it closes once its answers are out (a CLOSED event). */
  tcpEnd(handle: NativeHandle, id: number): boolean;
  /** Accepts no more connections. */
  tcpStop(handle: NativeHandle): void;
  /** Closes every connection and the listener. */
  tcpDispose(handle: NativeHandle): void;
}

export type AddonLoad = { readonly addon: NativeAddon } | { readonly error: string };

const ADDON_PATH = fileURLToPath(new URL('../../build/Release/udp_native.node', import.meta.url));
const FUNCTIONS = ['open', 'sockname', 'connect', 'flush', 'sendTo', 'close', 'parseAddress', 'formatAddress6', 'bindStream',
  'tcpListen', 'tcpSockname', 'tcpSend', 'tcpAnswered', 'tcpClose', 'tcpEnd', 'tcpStop', 'tcpDispose'];
const CONSTANTS = ['BATCH', 'SEND_SLOT', 'SEND_STRIDE', 'ROW', 'TCP_ROW', 'TCP_ROWS', 'TCP_SLOT_BITS'];

/** Loads the compiled addon, or says why it cannot. Never throws. */
export function loadAddon(path: string = ADDON_PATH): AddonLoad {
  if (process.platform !== 'linux') {
    return { error: `@chaindns/udp-native needs Linux (recvmmsg/sendmmsg), not ${process.platform}` };
  }
  if (!existsSync(path)) {
    return {
      error: `@chaindns/udp-native is not built (${path} is missing): ` +
        '`npm rebuild @chaindns/udp-native` builds it, given a C compiler, make and python3',
    };
  }
  let loaded: unknown;
  try {
    loaded = createRequire(import.meta.url)(path);
  } catch (err) {
    return { error: `@chaindns/udp-native cannot load ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return isAddon(loaded) ? { addon: loaded } : { error: `${path} is not this version's addon: rebuild it` };
}

function isAddon(value: unknown): value is NativeAddon {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return FUNCTIONS.every((name) => typeof fields[name] === 'function') &&
    CONSTANTS.every((name) => typeof fields[name] === 'number');
}

/**
 * The batched transport, or null where the addon is not built or cannot load. Its DNS over TCP
 * is on unless `options.tcp` is false or, without that option, CHAINDNS_TCP=net says so.
 */
export function loadNativeTransport(options: NativeTransportOptions = {}): UdpTransport | null {
  const loaded = loadAddon();
  const tcp = options.tcp ?? process.env.CHAINDNS_TCP !== 'net';
  return 'addon' in loaded ? createNativeTransport(loaded.addon, { ...options, tcp }) : null;
}

/** Why loadNativeTransport() returns null; undefined when it does not. */
export function nativeTransportError(): string | undefined {
  const loaded = loadAddon();
  return 'error' in loaded ? loaded.error : undefined;
}
