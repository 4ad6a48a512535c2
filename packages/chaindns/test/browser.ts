import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * Debian's headless Chromium driven over the DevTools protocol on a pipe
 * (`--remote-debugging-pipe`: JSON messages ended by NUL on fds 3 and 4), so
 * a test needs no WebSocket client and no driver package.
 */
export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private buffer = '';
  private session = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
        const message = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: unknown; error?: { message: string } };
        this.buffer = this.buffer.slice(end + 1);
        const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
        if (!waiter) continue;
        this.pending.delete(message.id!);
        if (message.error) waiter.reject(new Error(`chromium: ${message.error.message}`));
        else waiter.resolve(message.result);
      }
    });
  }

  /** Starts `chromium` headless with a page of `width` x `height` CSS pixels. */
  static async launch(width: number, height: number): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'chaindns-chromium-'));
    const args = ['--headless', '--hide-scrollbars', '--remote-debugging-pipe', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--disable-breakpad', `--user-data-dir=${profile}`, `--window-size=${width},${height}`, 'about:blank'];
    // A process group of its own: the browser's helpers (zygotes, renderers, the network and storage services) are
    // stopped with it, not left writing to the profile after it exits. No crash reporter: it starts a session of its own.
    const child = spawn('chromium', args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true });
    const browser = new Browser(child, profile);
    const { targetInfos } = (await browser.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string }[] };
    const page = targetInfos.find((t) => t.type === 'page');
    const targetId = page ? page.targetId : ((await browser.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string }).targetId;
    browser.session = ((await browser.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string }).sessionId;
    await browser.send('Page.enable');
    await browser.size(width, height, false);
    return browser;
  }

  /** Sends one command (to the page once attached); resolves with its result. */
  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(this.session ? { sessionId: this.session } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      (this.child.stdio[3] as Writable).write(`${message}\0`);
    });
  }

  async size(width: number, height: number, mobile: boolean): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile });
  }

  /** Light or dark `prefers-color-scheme`. */
  async colorScheme(scheme: 'light' | 'dark'): Promise<void> {
    await this.send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: scheme }] });
  }

  async goto(url: string): Promise<void> {
    await this.send('Page.navigate', { url });
  }

  /** The value of `expression` in the page (awaited when a promise). */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  }

  /** A PNG of the whole page, however long. */
  async screenshot(): Promise<Buffer> {
    const { data } = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true })) as { data: string };
    return Buffer.from(data, 'base64');
  }

  async close(): Promise<void> {
    const group = this.child.pid!;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([exited, delay(5000)]);
    // Whatever of the group is still there (helpers outlive the browser) is killed, and waited for, before the
    // profile they write to is removed: removing it under them failed with ENOTEMPTY for minutes in CI runs.
    for (let waited = 0; alive(group) && waited < 10_000; waited += 50) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // Gone between the look and the kill.
      }
      await delay(50);
    }
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

/** True while a process of the group is left that is not a zombie (one whose new parent has not reaped it yet). */
function alive(group: number): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // After the command's closing parenthesis: state, ppid, process group.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') return true;
  }
  return false;
}
