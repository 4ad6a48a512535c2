import type tls from 'node:tls';

/**
 * Whether and how a client proves itself with a certificate: CoreDNS's
 * `client_auth`, Go's ClientAuthType. `nocert`: not asked; `request`: asked,
 * neither required nor verified; `require`: required, not verified;
 * `verify_if_given`: verified when given; `require_and_verify`: both.
 */
export type ClientAuth = 'nocert' | 'request' | 'require' | 'verify_if_given' | 'require_and_verify';

/**
 * What a block's `tls://` and `https://` listeners serve (the `tls` plugin
 * gives it through `SetupContext.tls`). TLS 1.2 at least, as CoreDNS.
 */
export interface ServerTls {
  /** The certificate chain, PEM. */
  readonly cert: Buffer;
  /** Its private key, PEM. */
  readonly key: Buffer;
  /** The CAs a client's certificate is verified against, PEM; without it, Node's bundled root CAs. */
  readonly ca?: Buffer;
  readonly clientAuth: ClientAuth;
  /** Takes each TLS key log line (NSS key log format, for decrypting captures): the `keylog` option. */
  readonly keylog?: (line: Buffer) => void;
}

/** True when `a` and `b` serve the same certificate, key, CAs and client policy (the key log aside). */
export function sameTls(a: ServerTls, b: ServerTls): boolean {
  const same = (x: Buffer | undefined, y: Buffer | undefined): boolean => (x && y ? x.equals(y) : x === y);
  return a.clientAuth === b.clientAuth && same(a.cert, b.cert) && same(a.key, b.key) && same(a.ca, b.ca);
}

/** The options of a Node TLS server for `settings`, offering the ALPN protocols `alpn`. */
export function tlsServerOptions(settings: ServerTls, alpn: readonly string[]): tls.TlsOptions {
  const mode = settings.clientAuth;
  return {
    cert: settings.cert,
    key: settings.key,
    ...(settings.ca ? { ca: settings.ca } : {}),
    minVersion: 'TLSv1.2',
    ALPNProtocols: [...alpn],
    requestCert: mode !== 'nocert',
    // Node checks the certificate for `require_and_verify`; the two others that need a check are done after the handshake.
    rejectUnauthorized: mode === 'require_and_verify',
  };
}

/** Whether a client that finished its handshake passes `mode`'s checks that Node's own do not make. */
export function clientPasses(socket: tls.TLSSocket, mode: ClientAuth): boolean {
  if (mode === 'require') return socket.getPeerX509Certificate() !== undefined;
  if (mode === 'verify_if_given') return socket.authorized || socket.getPeerX509Certificate() === undefined;
  return true;
}
