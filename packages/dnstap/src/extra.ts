import type { Request } from '@chaindns/core';

/** What CoreDNS's replacer writes for a value it does not have. */
const EMPTY = '-';

const CLASS_NAMES: Readonly<Record<number, string>> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

/**
 * The placeholders of CoreDNS's replacer that `extra` may hold. dnstap fills
 * them from the query alone (CoreDNS passes its replacer no reply), so the
 * reply's ({rcode}, {rsize}, {duration}, {>rflags}) are `-`.
 */
const PLACEHOLDERS: Readonly<Record<string, (req: Request) => string>> = {
  '{type}': (req) => req.qtypeName,
  '{name}': (req) => req.qname,
  '{class}': (req) => CLASS_NAMES[req.qclass] ?? `CLASS${req.qclass}`,
  '{proto}': (req) => req.transport,
  '{size}': (req) => String(req.size),
  '{remote}': (req) => (req.remote.address.includes(':') ? `[${req.remote.address}]` : req.remote.address),
  '{port}': (req) => String(req.remote.port),
  '{>id}': (req) => String(req.id),
  '{>opcode}': (req) => String(req.opcode),
  '{>do}': (req) => (req.do ? 'true' : 'false'),
  '{>bufsize}': (req) => String(req.transport === 'tcp' ? 65535 : Math.max(512, req.edns?.udpSize ?? 0)),
  '{rcode}': () => EMPTY,
  '{rsize}': () => EMPTY,
  '{duration}': () => EMPTY,
  '{>rflags}': () => EMPTY,
};

/** A `{/label}`: the value the block's metadata providers give the query, `-` without one. */
function metadata(label: string): (req: Request) => string {
  return (req) => req.metadata?.get(label) ?? EMPTY;
}

/** The extra field of every message of a tap: fixed bytes, or made per query from its placeholders. */
export type Extra = Buffer | ((req: Request) => Buffer) | null;

/**
 * Compiles `extra TEXT`. As in CoreDNS's replacer, each `}` closes the
 * nearest `{` before it; a known placeholder is replaced, a `{/label}` is
 * the query's metadata (the `metadata` plugin's; `-` when no plugin sets
 * it, or without that plugin), anything else stays as written. `{local}` is refused: the server's own address is not
 * known per query.
 */
export function compileExtra(text: string): Extra {
  const parts: Array<string | ((req: Request) => string)> = [];
  let literal = '';
  let rest = text;
  for (let j = rest.indexOf('}'); j >= 0; j = rest.indexOf('}')) {
    const i = rest.lastIndexOf('{', j);
    const label = i < 0 ? '' : rest.slice(i, j + 1);
    if (label === '{local}') throw new RangeError("the {local} placeholder is not supported: the server's own address is not known per query");
    const render = PLACEHOLDERS[label] ?? (label.startsWith('{/') ? metadata(label.slice(2, -1)) : undefined);
    if (render) {
      parts.push(literal + rest.slice(0, i), render);
      literal = '';
    } else {
      literal += rest.slice(0, j + 1);
    }
    rest = rest.slice(j + 1);
  }
  parts.push(literal + rest);
  if (parts.length === 1) return Buffer.from(parts[0] as string);
  return (req) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(req);
    return Buffer.from(out);
  };
}
