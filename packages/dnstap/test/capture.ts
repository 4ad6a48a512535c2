import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { eventually } from '@chaindns/core/testing';
import { dataFrames, decodeFields } from './protobuf-decode.js';

/** A fresh directory for sockets and capture files. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'chaindns-dnstap-'));
}

/** Debian's fstrm_capture (package fstrm-bin), receiving dnstap on a unix socket or TCP into a file. */
export interface Capture {
  readonly file: string;
  /** Stops the receiver (it closes the file) and decodes what it got with dnstap-ldns. */
  stop(): Promise<Tapped[]>;
}

export async function startCapture(where: { readonly unix: string } | { readonly tcp: number }, file: string): Promise<Capture> {
  const at = 'unix' in where ? ['-u', where.unix] : ['-a', '127.0.0.1', '-p', String(where.tcp)];
  const child = spawn('fstrm_capture', ['-t', 'protobuf:dnstap.Dnstap', ...at, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  await opened(child);
  // It says so before its socket accepts connections: wait for that too.
  await eventually(() => accepts('unix' in where ? { path: where.unix } : { host: '127.0.0.1', port: where.tcp }), 3000, 'fstrm_capture accepting');
  return {
    file,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      return decodeCapture(file);
    },
  };
}

/** True when a connection to `to` is accepted (it is closed at once). */
export function accepts(to: { path: string } | { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(to, () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

/** Resolves once fstrm_capture listens and has its file open (it says so on stderr). */
function opened(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('opened output file')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`fstrm_capture exited (${code}): ${said}`)));
  });
}

/** One dnstap message as dnstap-ldns -y shows it. */
export interface Tapped {
  readonly type: string;
  readonly identity: string;
  readonly version: string;
  readonly family: string;
  readonly protocol: string;
  readonly queryAddress: string | undefined;
  readonly queryPort: number | undefined;
  readonly responseAddress: string | undefined;
  readonly responsePort: number | undefined;
  readonly queryTime: string | undefined;
  readonly responseTime: string | undefined;
  /** The question of the wire message, `name. IN A`, when the message is included (`full`). */
  readonly question: string | undefined;
}

/** Decodes a Frame Streams capture with Debian's dnstap-ldns (package dnstap-ldns). */
export function decodeCapture(file: string): Tapped[] {
  const yaml = execFileSync('dnstap-ldns', ['-y', '-r', file], { encoding: 'utf8' });
  return yaml
    .split(/^---$/m)
    .filter((doc) => doc.includes('type: MESSAGE'))
    .map((doc) => {
      const field = (name: string): string | undefined => new RegExp(`^\\s*${name}: (.*)$`, 'm').exec(doc)?.[1]?.replace(/^"|"$/g, '');
      const port = (name: string): number | undefined => (field(name) === undefined ? undefined : Number(field(name)));
      const question = /;; QUESTION SECTION:\n\s*;(\S+)\s+(\S+)\s+(\S+)/.exec(doc);
      return {
        type: /^\s+type: (\w+)$/m.exec(doc.slice(doc.indexOf('message:')))![1]!,
        identity: field('identity') ?? '',
        version: field('version') ?? '',
        family: field('socket_family') ?? '',
        protocol: field('socket_protocol') ?? '',
        queryAddress: field('query_address'),
        queryPort: port('query_port'),
        responseAddress: field('response_address'),
        responsePort: port('response_port'),
        queryTime: field('query_time'),
        responseTime: field('response_time'),
        question: question ? `${question[1]} ${question[2]} ${question[3]}` : undefined,
      };
    });
}

/** The `extra` field of every data frame of a capture file (dnstap-ldns does not show it). */
export function extrasOf(file: string): string[] {
  return dataFrames(readFileSync(file)).map((frame) => (decodeFields(frame).get(3)?.[0] as Buffer | undefined)?.toString() ?? '');
}
