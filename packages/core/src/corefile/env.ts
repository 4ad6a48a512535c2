import type { ParseOptions, Token } from './types.js';

export type Env = NonNullable<ParseOptions['env']>;

// One pass, so a value that itself looks like `{$X}` is kept as it is.
const reference = /\{\$([^{}]+)\}|\{%([^{}%]+)%\}/g;

/**
 * Replaces `{$VAR}` and `{%VAR%}` with the variable's value; unset ones become
 * empty, as in CoreDNS. `{$VAR:default}` (Caddy 2's form, an extension) gives
 * `default` when VAR is unset or empty, so one Corefile can ship defaults that
 * a test or an operator overrides.
 */
export function substituteEnv(text: string, env: Env): string {
  if (!text.includes('{')) return text;
  return text.replace(reference, (_ref, unix: string | undefined, windows: string | undefined) => {
    if (windows !== undefined) return env[windows] ?? '';
    const colon = unix!.indexOf(':');
    if (colon < 0) return env[unix!] ?? '';
    return env[unix!.slice(0, colon)] || unix!.slice(colon + 1);
  });
}

/** The token with its environment references substituted (the same object when it has none). */
export function substituteToken(token: Token, env: Env): Token {
  const text = substituteEnv(token.text, env);
  return text === token.text ? token : { ...token, text };
}
