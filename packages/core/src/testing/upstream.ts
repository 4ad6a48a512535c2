import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';

import { rr } from './records.js';

/** What an upstream handler returns: a reply (bytes or packet), or null to stay silent. */
export type UpstreamAnswer = Buffer | dnsPacket.Packet | null;
export type UpstreamHandler = (query: dnsPacket.Packet, raw: Buffer, transport: 'udp' | 'tcp') => UpstreamAnswer | Promise<UpstreamAnswer>;

export interface TestUpstream {
  readonly address: string;
  readonly port: number;
  /** Queries received so far, raw, in order, with the port each came from. */
  readonly received: { msg: Buffer; transport: 'udp' | 'tcp'; fromPort: number }[];
  /** Replaces how it answers. */
  setHandler(handler: UpstreamHandler): void;
  stop(): Promise<void>;
}

/**
 * A small authoritative server on loopback (UDP and TCP on one port), for
 * testing plugins that talk to upstreams. Given `records` (presentation
 * text), it answers them with AA, NODATA for other types of a known name,
 * NXDOMAIN otherwise; or give a `handler` for anything else.
 */
export async function startTestUpstream(options: { records?: readonly string[]; handler?: UpstreamHandler; address?: string; port?: number } = {}): Promise<TestUpstream> {
  const address = options.address ?? '127.0.0.1';
  let handler: UpstreamHandler = options.handler ?? zoneHandler(options.records ?? []);
  const received: TestUpstream['received'] = [];

  const answer = async (raw: Buffer, transport: 'udp' | 'tcp', fromPort: number): Promise<Buffer | null> => {
    received.push({ msg: Buffer.from(raw), transport, fromPort });
    let q: dnsPacket.Packet;
    try {
      q = dnsPacket.decode(raw);
    } catch {
      return null;
    }
    const out = await handler(q, raw, transport);
    return out === null ? null : Buffer.isBuffer(out) ? out : dnsPacket.encode(out);
  };

  const sockets = new Set<net.Socket>();
  const serveUdp = (udp: dgram.Socket): void => {
    udp.on('message', (msg, rinfo) => {
      void answer(msg, 'udp', rinfo.port).then((out) => out && udp.send(out, rinfo.port, rinfo.address));
    });
  };
  const serveTcp = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const frame = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + frame.length);
        void answer(frame, 'tcp', socket.remotePort ?? 0).then((out) => {
          if (!out || socket.destroyed) return;
          const head = Buffer.alloc(2);
          head.writeUInt16BE(out.length);
          socket.write(Buffer.concat([head, out]));
        });
      }
    });
  };
  const { udp, tcp, port } = await bindPair(address, options.port ?? 0, serveUdp, serveTcp);
  return {
    address,
    port,
    received,
    setHandler: (h) => {
      handler = h;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
    },
  };
}

/**
 * UDP and TCP on one port. With port 0, UDP picks a free port and TCP takes
 * the same number; when something else holds it over TCP, both close and it
 * tries again (a failed try leaves no socket open to keep a test alive).
 */
async function bindPair(address: string, wanted: number, serveUdp: (udp: dgram.Socket) => void, serveTcp: (socket: net.Socket) => void): Promise<{ udp: dgram.Socket; tcp: net.Server; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    serveUdp(udp);
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(wanted, address, () => resolve());
    });
    const port = udp.address().port;
    const tcp = net.createServer(serveTcp);
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, address, () => resolve());
      });
      return { udp, tcp, port };
    } catch (err) {
      await new Promise<void>((r) => udp.close(() => r()));
      if (wanted !== 0 || attempt >= 10) throw err;
    }
  }
}

/** Answers from a list of records, as an authoritative server would. */
export function zoneHandler(records: readonly string[]): UpstreamHandler {
  const answers = records.map(rr);
  const key = (name: string): string => name.toLowerCase().replace(/\.$/, '');
  return (q) => {
    const question = q.questions?.[0];
    if (!question) return null;
    const named = answers.filter((a) => key(a.name) === key(question.name));
    const matching = named.filter((a) => a.type === question.type);
    const rcode = named.length === 0 ? 3 : 0;
    return {
      id: q.id,
      type: 'response',
      flags: 0x0400 | ((q.flags ?? 0) & 0x0100) | rcode,
      questions: q.questions,
      answers: matching,
    } as dnsPacket.Packet;
  };
}


