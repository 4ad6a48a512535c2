import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { configError, type Token } from '@chaindns/core';

/** The `keylog` file: TLS secrets appended in the NSS key log format, for decrypting captures. */
export interface Keylog {
  /** The absolute path, for the warning CoreDNS logs. */
  readonly path: string;
  /** Appends one line Node's `keylog` event gave (it ends with a newline). */
  readonly write: (line: Buffer) => void;
  close(): void;
}

/**
 * Opens the key log for appending, created with mode 0600 as CoreDNS does.
 * A line comes once per handshake, so a synchronous append costs little and
 * keeps the lines whole; after `close` (the config retired) lines are dropped.
 */
export function openKeylog(token: Token): Keylog {
  const path = resolve(token.text);
  let fd: number | null;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch (err) {
    return configError(token, `tls: unable to write TLS Key Log to "${path}": ${(err as Error).message}`);
  }
  return {
    path,
    write: (line) => {
      try {
        if (fd !== null) writeSync(fd, line);
      } catch {
        // A full disk loses debugging lines, never a handshake.
      }
    },
    close: () => {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
