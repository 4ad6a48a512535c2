import type { NativeAddon, NativeHandle } from './load.js';
import { nativeTcp } from './native-tcp.js';
import { NativeRemote } from './remote.js';
import { bufferOver, enterBatch, leaveBatch, type PacketHandler, type Remote, type UdpBindOptions, type UdpBinding, type UdpEndpoint, type UdpTransport } from '@chaindns/core';

export interface NativeTransportOptions {
  /**
   * Sets SO_REUSEPORT on every socket, so several processes (cluster workers) can bind the same
   * address and port and the kernel spreads the datagrams among them. A bind's own `reusePort`
   * sets it for that socket alone.
   */
  readonly reusePort?: boolean;
  /**
   * Serve plain DNS over TCP (`dns://`) in the addon too (default true); false leaves it to
   * node:net. TLS and HTTPS stay on node:tls and node:http2 either way.
   */
  readonly tcp?: boolean;
}

/** How long a detached socket must stay quiet before its queue counts as drained. */
const DETACH_QUIET_MS = 50;

// Word offsets in a row of the shared Int32Arrays (see src/native/udp.c).
const M_LEN = 0;
const M_FAMILY = 1;
const M_PORT = 2;
const M_W0 = 3;
const M_SCOPE = 7;

export function createNativeTransport(addon: NativeAddon, options: NativeTransportOptions = {}): UdpTransport {
  const reusePort = options.reusePort ?? false;
  const scope = new BatchScope();
  return {
    name: 'udp-native',
    bind: async function bindNative(bindOptions: UdpBindOptions, onPacket: PacketHandler): Promise<UdpBinding> {
      return new NativeSocket(addon, scope, bindOptions, reusePort || bindOptions.reusePort === true, onPacket);
    },
    reusePort: { listenOptions: (address, port) => ({ fd: addon.bindStream(address, port) }) },
    ...(options.tcp === false ? {} : { tcp: nativeTcp(addon) }),
  };
}

/**
 * The batch running now, shared by every socket of one transport. What any socket
 * sends while some socket's handlers run (a listener's answers, a forwarder's
 * queries to its upstream, the answers to its replies) is queued and leaves in one
 * sendmmsg per socket when that batch ends. Core's batch clock is told of each
 * batch, so the plugins read the clock once for all its queries.
 */
class BatchScope {
  depth = 0;
  /** Sockets with queued datagrams. */
  readonly dirty: NativeSocket[] = [];

  enter(): void {
    this.depth++;
    enterBatch();
  }

  leave(): void {
    if (--this.depth > 0) return leaveBatch();
    // A flush sends only: no handler runs, nothing new is queued meanwhile.
    for (const socket of this.dirty) socket.flush();
    this.dirty.length = 0;
    // After the sends: a query's time (core's batch clock) ends with its answer gone.
    leaveBatch();
  }
}

/** One bound socket: the binding for its owner and the endpoint its handler replies through. */
class NativeSocket implements UdpBinding, UdpEndpoint {
  readonly address: string;
  readonly port: number;
  readonly #addon: NativeAddon;
  readonly #scope: BatchScope;
  readonly #onPacket: PacketHandler;
  readonly #onError: ((err: NodeJS.ErrnoException) => void) | undefined;
  readonly #handle: NativeHandle;
  readonly #sendBuf: Buffer;
  readonly #sendMeta: Int32Array;
  readonly #recvMeta: Int32Array;
  readonly #connected: boolean;
  /** Send slots filled since the batch began. */
  #queued = 0;
  #closed = false;
  /** Batches received since the last look (detach waits for a quiet spell). */
  #batches = 0;

  constructor(addon: NativeAddon, scope: BatchScope, options: UdpBindOptions, reusePort: boolean, onPacket: PacketHandler) {
    this.#addon = addon;
    this.#scope = scope;
    this.#onPacket = onPacket;
    this.#onError = options.onError;
    // Allocated once per socket; the addon holds references and reads them in place.
    this.#sendBuf = Buffer.allocUnsafeSlow(addon.BATCH * addon.SEND_STRIDE);
    this.#sendMeta = new Int32Array((addon.BATCH + 1) * addon.ROW);
    this.#recvMeta = new Int32Array(addon.BATCH * addon.ROW);
    this.#handle = addon.open(options.address, options.port, reusePort, this.#sendBuf, this.#sendMeta,
      this.#recvMeta, (pool, offset, count) => this.#receive(pool, offset, count), (code) => this.#error(code));
    this.#connected = options.connect !== undefined;
    try {
      if (options.connect) addon.connect(this.#handle, options.connect.address, options.connect.port);
      const row = new Int32Array(addon.ROW);
      const family = addon.sockname(this.#handle, row);
      const local = new NativeRemote(addon, family, row[M_PORT]!, row[M_W0]!, row[M_W0 + 1]!, row[M_W0 + 2]!, row[M_W0 + 3]!, row[M_SCOPE]!);
      // A listener keeps the address it was given (`::`); a connected socket tells the one the kernel chose.
      this.address = options.connect ? local.address : options.address;
      this.port = local.port;
    } catch (err) {
      addon.close(this.#handle);
      throw err;
    }
  }

  /**
   * During a batch (of any socket of this transport), a datagram that fits a slot is
   * queued for one sendmmsg at the batch's end; otherwise (a later answer, or one
   * over SEND_SLOT bytes) it goes out at once.
   */
  send(data: Uint8Array, to: Remote): void {
    if (this.#closed) return; // a late answer for a closed socket has nowhere to go
    const addon = this.#addon;
    if (this.#scope.depth > 0 && data.length <= addon.SEND_SLOT) {
      if (this.#queued === addon.BATCH) this.flush();
      const slot = this.#queued;
      if (slot === 0) this.#scope.dirty.push(this);
      this.#writeDestination(slot * addon.ROW, data.length, to);
      this.#sendBuf.set(data, slot * addon.SEND_STRIDE);
      this.#queued = slot + 1;
    } else {
      this.#writeDestination(addon.BATCH * addon.ROW, data.length, to);
      this.#sent(addon.sendTo(this.#handle, data));
    }
  }

  /**
   * Connects the socket to its own address: the kernel gives new datagrams to the other sockets
   * of its port (a connected socket leaves SO_REUSEPORT's choice, and takes datagrams from its peer
   * alone), while those already queued are still read. Resolves once none has come for 50 ms:
   * the queue is empty, and any datagram the kernel was delivering as the socket left is in.
   */
  async detach(): Promise<void> {
    if (this.#closed) return;
    const wildcard = this.address === '0.0.0.0' || this.address === '::';
    // 127.0.0.1 for "::" too: the addon maps it (::ffff:127.0.0.1), which needs no IPv6 loopback.
    this.#addon.connect(this.#handle, wildcard ? '127.0.0.1' : this.address, this.port, true);
    do {
      this.#batches = 0;
      await new Promise((resolve) => setTimeout(resolve, DETACH_QUIET_MS));
    } while (this.#batches > 0 && !this.#closed);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.flush(); // replies a handler queued before closing still leave
    this.#closed = true;
    this.#addon.close(this.#handle);
  }

  /** Called by the addon once per batch: the datagrams are back to back in `pool` from `offset`. */
  #receive(pool: Buffer, offset: number, count: number): void {
    const addon = this.#addon;
    const meta = this.#recvMeta;
    const memory = pool.buffer;
    const base = pool.byteOffset;
    let errors: unknown[] | undefined;
    this.#batches++;
    this.#scope.enter();
    for (let row = 0; row < count * addon.ROW && !this.#closed; row += addon.ROW) {
      const length = meta[row + M_LEN]!;
      const from = new NativeRemote(addon, meta[row + M_FAMILY] === 4 ? 4 : 6, meta[row + M_PORT]!,
        meta[row + M_W0]!, meta[row + M_W0 + 1]!, meta[row + M_W0 + 2]!, meta[row + M_W0 + 3]!, meta[row + M_SCOPE]!);
      // Each handler owns its slice: the addon never writes this part of the pool again.
      const data = bufferOver(memory, base + offset, length);
      offset += length;
      try {
        this.#onPacket(data, from, this);
      } catch (err) {
        (errors ??= []).push(err);
      }
    }
    this.#scope.leave();
    // A throwing handler must not cost the batch's other answers: they are sent, then
    // each error surfaces as an uncaught exception, as from a dgram 'message' listener.
    for (const err of errors ?? []) process.nextTick(rethrow, err);
  }

  /** Sends the queued datagrams now. */
  flush(): void {
    if (this.#queued === 0 || this.#closed) return;
    const count = this.#queued;
    this.#queued = 0;
    this.#sent(this.#addon.flush(this.#handle, count));
  }

  /** A send failed with `code` (a connected socket's refused port, no route): the owner hears of it after the call. */
  #sent(code: string | undefined): void {
    if (code !== undefined && this.#onError) process.nextTick(() => this.#error(code));
  }

  #error(code: string): void {
    if (this.#closed || !this.#onError) return;
    const err: NodeJS.ErrnoException = new Error(`udp ${this.address}:${this.port}: ${code}`);
    err.code = code;
    this.#onError(err);
  }

  /** Fills the send row at `at`: the length only for a connected socket; raw words from our own Remote; else the parsed address. */
  #writeDestination(at: number, length: number, to: Remote): void {
    const meta = this.#sendMeta;
    meta[at + M_LEN] = length;
    if (this.#connected) return;
    if (to instanceof NativeRemote) {
      meta[at + M_FAMILY] = to.family;
      meta[at + M_W0] = to.w0;
      meta[at + M_W0 + 1] = to.w1;
      meta[at + M_W0 + 2] = to.w2;
      meta[at + M_W0 + 3] = to.w3;
      meta[at + M_SCOPE] = to.scope;
    } else if (this.#addon.parseAddress(to.address, meta.subarray(at, at + this.#addon.ROW)) === 0) {
      throw new TypeError(`udp-native: cannot send to ${JSON.stringify(to.address)}: not an IP address`);
    }
    meta[at + M_PORT] = to.port;
  }
}

function rethrow(error: unknown): never {
  throw error;
}
