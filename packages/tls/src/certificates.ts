import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { configError, type ServerTls, type Token } from '@chaindns/core';
import type { TlsConfig } from './setup.js';

/** A file the Corefile names, read now; an error names the token's file:line. */
function read(token: Token, what: string): Buffer {
  try {
    return readFileSync(token.text);
  } catch (err) {
    return configError(token, `tls: cannot read the ${what} "${token.text}": ${(err as Error).message}`);
  }
}

/** Runs `check` on what was read; its error becomes the token's. */
function check(token: Token, what: string, run: () => unknown): void {
  try {
    run();
  } catch (err) {
    configError(token, `tls: "${token.text}" holds no usable ${what}: ${(err as Error).message}`);
  }
}

/**
 * The certificate, key and CA the config names, read and checked: each file
 * holds what it should (PEM), and the key is the certificate's. Errors point
 * at the file's token.
 */
export function loadServerTls(config: TlsConfig): ServerTls {
  const cert = read(config.cert, 'certificate');
  const key = read(config.key, 'key');
  const ca = config.ca ? read(config.ca, 'CA') : undefined;
  check(config.cert, 'certificate (PEM)', () => new X509Certificate(cert));
  check(config.key, 'private key (PEM)', () => createPrivateKey(key));
  if (config.ca && ca) check(config.ca, 'CA certificate (PEM)', () => new X509Certificate(ca));
  check(config.key, `key for the certificate "${config.cert.text}"`, () => createSecureContext({ cert, key }));
  return { cert, key, ...(ca ? { ca } : {}), clientAuth: config.clientAuth };
}
