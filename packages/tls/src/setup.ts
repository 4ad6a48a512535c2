import { type ClientAuth, configError, definePlugin, type Directive, eachSubdirective, expectArgs, parseChoice, type Token } from '@chaindns/core';
import { loadServerTls } from './certificates.js';
import { openKeylog } from './keylog.js';

/** `tls CERT KEY [CA] { client_auth MODE; keylog FILE }`, as written (paths relative to the working directory, as CoreDNS without `root`). */
export interface TlsConfig {
  readonly cert: Token;
  readonly key: Token;
  readonly ca: Token | null;
  readonly clientAuth: ClientAuth;
  readonly keylog: Token | null;
  /** The directive, for errors that concern it as a whole. */
  readonly directive: Directive;
}

const CLIENT_AUTH: readonly ClientAuth[] = ['nocert', 'request', 'require', 'verify_if_given', 'require_and_verify'];
/** The options of CoreDNS's ACME form (`tls { acme DOMAIN ... }`), refused by name. */
const ACME = new Set(['acme', 'email', 'ca', 'storage', 'ca_root', 'resolver']);

/**
 * `tls CERT KEY [CA] { client_auth nocert|request|require|verify_if_given|require_and_verify; keylog FILE }`:
 * the TLS of the block's `tls://` and `https://` listeners. A setup-only plugin: it serves no query.
 */
export const tls = definePlugin<TlsConfig>({
  name: 'tls',
  parse(d) {
    if (d.args.length === 0 && (d.block ?? []).some((sub) => ACME.has(sub.name))) {
      configError(d, 'tls: certificates from ACME (acme, email, ca, storage, ca_root, resolver) are not supported; give the files: tls CERT KEY [CA]');
    }
    const [cert, key, ca] = expectArgs(d, 2, 3);
    let clientAuth: ClientAuth = 'nocert';
    let keylog: Token | null = null;
    eachSubdirective(d, {
      client_auth: (sub) => {
        clientAuth = parseChoice(expectArgs(sub, 1, 1)[0]!, CLIENT_AUTH);
      },
      keylog: (sub) => {
        keylog = expectArgs(sub, 1, 1)[0]!;
      },
    });
    return { cert: cert!, key: key!, ca: ca ?? null, clientAuth, keylog, directive: d };
  },
  setup(config, ctx) {
    const settings = loadServerTls(config);
    if (!config.keylog) {
      ctx.tls(settings, config.directive);
      return;
    }
    const keylog = openKeylog(config.keylog);
    ctx.log.warn(`Writing TLS Key Log to "${keylog.path}"`);
    ctx.onShutdown(() => keylog.close());
    ctx.tls({ ...settings, keylog: keylog.write }, config.directive);
  },
});
