import type { Request, UpstreamExchange, UpstreamTap } from '@chaindns/core';
import { addressBytes, epochMs } from './address.js';
import type { Extra } from './extra.js';
import type { FrameQueue } from './frame-queue.js';
import { dnstapSize, encodeDnstap, encodeHead, MessageType, messageSize, SocketProtocol, TapMessage } from './protobuf.js';

export interface TapOptions {
  readonly identity: string;
  readonly version: string;
  readonly extra: Extra;
  /** Include the wire messages (`full`). */
  readonly full: boolean;
}

/**
 * One `dnstap` directive: encodes the messages of its block into the queue of
 * its output, each as soon as it is known. Encoding copies what it needs
 * (the query and reply bytes with `full`), so nothing is held past the call.
 */
export class Tap implements UpstreamTap {
  private readonly head: Buffer;
  private readonly m = new TapMessage();

  constructor(
    private readonly queue: FrameQueue,
    private readonly options: TapOptions,
  ) {
    this.head = encodeHead(Buffer.from(options.identity), Buffer.from(options.version));
  }

  /** CLIENT_QUERY, when the query comes in (`at`: epochMs). */
  clientQuery(req: Request, at: number): void {
    const m = this.client(req, at);
    m.type = MessageType.CLIENT_QUERY;
    if (this.options.full) m.queryMessage = req.msg;
    this.send(req);
  }

  /** CLIENT_RESPONSE, as the reply is written. */
  clientResponse(req: Request, at: number, reply: Uint8Array): void {
    const m = this.client(req, at);
    m.type = MessageType.CLIENT_RESPONSE;
    m.responseTime = epochMs();
    if (this.options.full) m.responseMessage = reply;
    this.send(req);
  }

  /** FORWARDER_QUERY, and FORWARDER_RESPONSE when a reply came: from this server to the upstream. */
  upstream(e: UpstreamExchange): void {
    const sent = epochMs(e.sentAt);
    this.forwarder(e, sent, MessageType.FORWARDER_QUERY);
    if (e.reply !== null) this.forwarder(e, sent, MessageType.FORWARDER_RESPONSE);
  }

  private forwarder(e: UpstreamExchange, sent: number, type: number): void {
    const m = this.m;
    m.type = type;
    m.protocol = e.transport === 'tcp' ? SocketProtocol.TCP : SocketProtocol.UDP;
    m.responseAddress = addressBytes(e.upstream.address);
    m.responsePort = e.upstream.port;
    m.queryTime = sent;
    if (type === MessageType.FORWARDER_RESPONSE) {
      m.responseTime = epochMs();
      if (this.options.full) m.responseMessage = e.reply;
    } else if (this.options.full) {
      m.queryMessage = e.query;
    }
    this.send(e.req);
  }

  /** The fields of a client message: the client's address and port, the query's time and transport. */
  private client(req: Request, at: number): TapMessage {
    const m = this.m;
    m.protocol = req.transport === 'tcp' ? SocketProtocol.TCP : SocketProtocol.UDP;
    m.queryAddress = addressBytes(req.remote.address);
    m.queryPort = req.remote.port;
    m.queryTime = at;
    return m;
  }

  /** Encodes the message into the queue (or counts it dropped) and clears it for the next. */
  private send(req: Request): void {
    const m = this.m;
    const extra = typeof this.options.extra === 'function' ? this.options.extra(req) : this.options.extra;
    const inner = messageSize(m);
    const size = dnstapSize(this.head, extra, inner);
    const at = this.queue.reserve(size);
    if (at >= 0) encodeDnstap(this.queue.chunk, at, this.head, extra, m, inner);
    m.protocol = 0;
    m.queryPort = m.responsePort = m.queryTime = m.responseTime = -1;
    m.queryAddress = m.responseAddress = m.queryMessage = m.responseMessage = null;
  }
}
