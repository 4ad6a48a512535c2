import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A proxy on loopback: its port, the `host:port` of each connection it made for a client, and its stop. */
export interface Proxy {
  port: number;
  targets: string[];
  stop(): Promise<void>;
}

/** Joins the client's socket to a new connection to `host:port`, and calls `ready` once that connection is up. */
function tunnel(client: Socket, host: string, port: number, targets: string[], ready: () => void): void {
  targets.push(`${host}:${port}`);
  const upstream = connect(port, host, () => {
    ready();
    upstream.pipe(client).pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
}

async function listening(server: Server, targets: string[]): Promise<Proxy> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    targets,
    stop: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** An HTTP proxy that takes CONNECT, as `proxy-url: http://...` asks of one for an https server. */
export function startConnectProxy(): Promise<Proxy> {
  const targets: string[] = [];
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const at = req.url!.lastIndexOf(':');
    tunnel(client, req.url!.slice(0, at).replace(/^\[|\]$/g, ''), Number(req.url!.slice(at + 1)), targets, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) client.unshift(head);
    });
  });
  return listening(server, targets);
}

/** A SOCKS5 proxy (RFC 1928) without authentication that takes CONNECT to an IPv4 address or a name. */
export function startSocks5Proxy(): Promise<Proxy> {
  const targets: string[] = [];
  const server = createServer((client) => {
    let buf = Buffer.alloc(0);
    let greeted = false;
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (!greeted) {
        // VER 5, NMETHODS, METHODS: answer "no authentication".
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        buf = buf.subarray(2 + buf[1]!);
        greeted = true;
        client.write(Buffer.from([5, 0]));
      }
      // VER 5, CMD 1 (CONNECT), RSV, ATYP, address, port.
      if (buf.length < 5) return;
      const [ver, cmd, , atyp] = buf;
      const addrEnd = atyp === 1 ? 8 : atyp === 3 ? 5 + buf[4]! : -1;
      if (ver !== 5 || cmd !== 1 || addrEnd < 0) {
        client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
        return;
      }
      if (buf.length < addrEnd + 2) return;
      const host = atyp === 1 ? [...buf.subarray(4, 8)].join('.') : buf.toString('latin1', 5, addrEnd);
      const port = buf.readUInt16BE(addrEnd);
      client.off('data', onData);
      client.pause();
      tunnel(client, host, port, targets, () => {
        client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
        client.resume();
      });
    };
    client.on('data', onData);
  });
  return listening(server, targets);
}
