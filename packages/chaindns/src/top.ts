import type { IncomingMessage } from 'node:http';
import type { Frame, Snapshot } from '@chaindns/dashboard';
import { renderTop, type TopContext } from './top-view.js';

// Node's CommonJS face of it: the ESM one of node:http reads every export, which loads undici, TLS and HTTP/2 (CONTRIBUTING.md).
const { get } = process.getBuiltinModule('node:http');

export const TOP_USAGE = `Usage: chaindns top [URL]
  The dashboard plugin's figures in this terminal, refreshed every second (q or Ctrl-C quits).
  URL is the dashboard's address (default http://127.0.0.1:8053/), with ?token=TOKEN when it has one.
  Not on a terminal, it prints one frame and exits.`;

const DEFAULT_URL = 'http://127.0.0.1:8053/';
const RETRY_MS = 2000;

/** GET `url`; rejects with a sentence a user can act on. */
function open(url: URL): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      if (res.statusCode === 200) return resolve(res);
      res.resume();
      reject(new Error(res.statusCode === 401 ? `${url.origin} needs the dashboard's token: chaindns top '${url.origin}/?token=TOKEN'` : `${url.origin}${url.pathname}: HTTP ${res.statusCode}`));
    });
    req.on('error', (err) => reject(new Error(`cannot reach the dashboard at ${url.origin}: ${err.message}`)));
  });
}

async function snapshot(base: URL): Promise<Snapshot> {
  const res = await open(new URL(`api/snapshot${base.search}`, base));
  let body = '';
  res.setEncoding('utf8');
  for await (const chunk of res) body += chunk as string;
  return JSON.parse(body) as Snapshot;
}

/** Calls `onFrame` for each frame of the stream; resolves when the stream ends. */
async function stream(base: URL, onFrame: (frame: Frame) => void): Promise<void> {
  const res = await open(new URL(`api/stream${base.search}`, base));
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) {
    text += chunk as string;
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
      const data = /^data: (.*)$/m.exec(text.slice(0, end))?.[1];
      text = text.slice(end + 2);
      if (data) onFrame(JSON.parse(data) as Frame);
    }
  }
}

/** `chaindns top [URL]`: exit code 0, or 1 when the dashboard cannot be reached at first. */
export async function runTop(argv: readonly string[]): Promise<number> {
  if (argv.some((a) => a === '-h' || a === '-help' || a === '--help')) {
    console.log(TOP_USAGE);
    return 0;
  }
  if (argv.length > 1) {
    console.error(`chaindns top: one URL at most\n${TOP_USAGE}`);
    return 2;
  }
  let base: URL;
  try {
    base = new URL(argv[0] ?? DEFAULT_URL);
    if (base.protocol !== 'http:') throw new Error('only http:// is served by the dashboard');
    if (!base.pathname.endsWith('/')) base.pathname += '/';
  } catch (err) {
    console.error(`chaindns top: ${argv[0]} is not the dashboard's URL (${(err as Error).message})\n${TOP_USAGE}`);
    return 2;
  }
  let first: Snapshot;
  try {
    first = await snapshot(base);
  } catch (err) {
    console.error(`chaindns top: ${(err as Error).message}`);
    return 1;
  }
  const ctx = { url: base.origin, types: first.types, rcodes: first.rcodes, reconnecting: false };
  const out = process.stdout;
  if (!out.isTTY) {
    // One frame of the stream: a second recorded while watched (the snapshot's may predate any watcher).
    const frame = await new Promise<Frame>((resolve, reject) => {
      stream(base, resolve).then(() => reject(new Error('the stream ended before its first frame')), reject);
    }).catch((err: Error) => (console.error(`chaindns top: ${err.message}`), null));
    if (!frame) return 1;
    out.write(`${renderTop(frame, ctx, 120).join('\n')}\n`);
    return 0;
  }
  return live(base, first.frame, ctx);
}

/** The terminal view: the alternate screen, one frame drawn over the last, until q or Ctrl-C. */
function live(base: URL, first: Frame, start: TopContext): Promise<number> {
  const out = process.stdout;
  let ctx = start;
  let last = first;
  const draw = (): void => {
    const width = out.columns || 80;
    const height = out.rows || 24;
    const lines = renderTop(last, ctx, width).slice(0, height - 1);
    // Home, each line over the old one (cleared to its end), then the rest of the screen cleared.
    out.write(`\x1b[H${lines.map((l) => `${l.length > width ? l.slice(0, width) : l}\x1b[K`).join('\r\n')}\x1b[J`);
  };
  return new Promise((resolve) => {
    let done = false;
    const quit = (): void => {
      if (done) return;
      done = true;
      out.write('\x1b[?25h\x1b[?1049l');
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      process.stdin.pause();
      resolve(0);
    };
    out.write('\x1b[?1049h\x1b[?25l');
    draw();
    out.on('resize', draw);
    process.once('SIGINT', quit).once('SIGTERM', quit);
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    process.stdin.on('data', (key: Buffer) => {
      if (key[0] === 0x71 || key[0] === 0x51 || key[0] === 0x03) quit();
    });
    const follow = async (): Promise<void> => {
      while (!done) {
        try {
          await stream(base, (frame) => {
            last = frame;
            ctx = { ...ctx, reconnecting: false };
            draw();
          });
        } catch {
          // Drawn below as reconnecting; the server may be restarting.
        }
        if (done) return;
        ctx = { ...ctx, reconnecting: true };
        draw();
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    };
    void follow();
  });
}
