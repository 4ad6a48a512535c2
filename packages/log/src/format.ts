import { rcodeName, type Request } from '@chaindns/core';

/** CoreDNS's Common Log Format. */
export const COMMON_LOG_FORMAT = '{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}';
/** The Common Log Format with the query's opcode. */
export const COMBINED_LOG_FORMAT = `${COMMON_LOG_FORMAT} "{>opcode}"`;
/** What a placeholder with no value (an unknown `{/metadata}` label, a reply never written) shows. */
export const EMPTY_VALUE = '-';

/** What one log line is made of: the query, and how it ended. */
export interface LogEntry {
  readonly req: Request;
  /** The rcode the client got. */
  readonly rcode: number;
  /** The reply's flags word (header bytes 2-3), or -1 when the server wrote the reply. */
  readonly flags: number;
  /** The reply's size as the answering plugin wrote it; 0 when the server wrote it. */
  readonly rsize: number;
  readonly seconds: number;
}

type Render = (e: LogEntry) => string;

const CLASS_NAMES: Readonly<Record<number, string>> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

/** The placeholders CoreDNS knows (plugin/pkg/replacer), by exact spelling. */
const PLACEHOLDERS: Readonly<Record<string, Render>> = {
  '{type}': (e) => e.req.qtypeName,
  '{name}': (e) => e.req.qname,
  '{class}': (e) => CLASS_NAMES[e.req.qclass] ?? `CLASS${e.req.qclass}`,
  '{proto}': (e) => e.req.transport,
  '{size}': (e) => String(e.req.size),
  '{remote}': (e) => (e.req.remote.address.includes(':') ? `[${e.req.remote.address}]` : e.req.remote.address),
  '{port}': (e) => String(e.req.remote.port),
  '{>id}': (e) => String(e.req.id),
  '{>opcode}': (e) => String(e.req.opcode),
  '{>do}': (e) => (e.req.do ? 'true' : 'false'),
  // CoreDNS's request.Size(): 64K over TCP, else the EDNS size but at least 512.
  '{>bufsize}': (e) => String(e.req.transport === 'tcp' ? 65535 : Math.max(512, e.req.edns?.udpSize ?? 0)),
  '{rcode}': (e) => rcodeName(e.rcode),
  '{rsize}': (e) => String(e.rsize),
  '{duration}': (e) => `${plainDecimal(Math.round(e.seconds * 1e9) / 1e9)}s`,
  '{>rflags}': (e) => (e.flags < 0 ? EMPTY_VALUE : flagsText(e.flags)),
};

/** Placeholders CoreDNS has that chaindns cannot fill; a format using one is refused. */
export const UNSUPPORTED_PLACEHOLDERS: Readonly<Record<string, string>> = {
  '{local}': "the server's own address is not known per query",
};

export type FormatNode = { readonly literal: string } | { readonly placeholder: string } | { readonly metadata: string };

/**
 * Splits a format as CoreDNS's replacer does: each `}` closes the nearest
 * `{` before it; a known placeholder or a `{/metadata}` label becomes a node,
 * anything else stays text.
 */
export function parseFormat(format: string): FormatNode[] {
  const nodes: FormatNode[] = [];
  let text = '';
  let s = format;
  for (let j = s.indexOf('}'); j >= 0; j = s.indexOf('}')) {
    const i = s.lastIndexOf('{', j);
    const label = i < 0 ? '' : s.slice(i, j + 1);
    if (label in PLACEHOLDERS || label in UNSUPPORTED_PLACEHOLDERS || label.startsWith('{/')) {
      text += s.slice(0, i);
      if (text) nodes.push({ literal: text });
      text = '';
      nodes.push(label.startsWith('{/') ? { metadata: label.slice(2, -1) } : { placeholder: label });
    } else {
      text += s.slice(0, j + 1);
    }
    s = s.slice(j + 1);
  }
  text += s;
  if (text) nodes.push({ literal: text });
  return nodes;
}

/** Compiles a format into a function that writes one line (without the `[INFO] ` prefix). */
export function compileFormat(format: string): Render {
  const parts: (string | Render)[] = parseFormat(format).map((n) => {
    if ('literal' in n) return n.literal;
    if ('metadata' in n) {
      // A label no plugin sets, or a block without the metadata plugin: "-", as CoreDNS writes an unset label.
      const label = n.metadata;
      return (e: LogEntry) => e.req.metadata?.get(label) ?? EMPTY_VALUE;
    }
    const render = PLACEHOLDERS[n.placeholder];
    if (!render) throw new Error(`log: the ${n.placeholder} placeholder is not supported: ${UNSUPPORTED_PLACEHOLDERS[n.placeholder]}`);
    return render;
  });
  return (e) => {
    let line = '';
    for (const p of parts) line += typeof p === 'string' ? p : p(e);
    return line;
  };
}

const FLAG_NAMES: readonly [number, string][] = [
  [0x8000, 'qr'],
  [0x0400, 'aa'],
  [0x0200, 'tc'],
  [0x0100, 'rd'],
  [0x0080, 'ra'],
  [0x0040, 'z'],
  [0x0020, 'ad'],
  [0x0010, 'cd'],
];

/** The header flags set, as CoreDNS writes them: `qr,aa,rd`. */
export function flagsText(flags: number): string {
  let out = '';
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) out += out ? `,${name}` : name;
  return out;
}

/** A number in plain decimal (as Go's 'f' format with the shortest precision): never `1e-7`. */
export function plainDecimal(n: number): string {
  const text = String(n);
  const exp = /^(\d)(?:\.(\d+))?e-(\d+)$/.exec(text);
  return exp ? `0.${'0'.repeat(Number(exp[3]) - 1)}${exp[1]}${exp[2] ?? ''}` : text;
}
