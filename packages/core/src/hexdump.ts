/**
 * A DNS message as CoreDNS's debug plugin dumps it into the log, in the
 * format text2pcap (Wireshark) reads back: 16 bytes a line after a 6-digit
 * hex offset, the length last, each line prefixed `debug: ` so that the dump
 * can be picked out of a log:
 *
 * ```
 * debug: 000000 00 0a 01 00 00 01 00 00 00 00 00 01 07 65 78 61
 * debug: 000010 6d 70 6c 65 05 6c 6f 63 61 6c 00 00 01 00 01 00
 * debug: 000020 00 29 10 00 00 00 80 00 00 00
 * debug: 00002a
 * ```
 */
export function hexdump(msg: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < msg.length; at += 16) {
    let line = `${PREFIX}${offset(at)}`;
    for (let i = at; i < Math.min(at + 16, msg.length); i++) line += ` ${msg[i]!.toString(16).padStart(2, '0')}`;
    lines.push(line);
  }
  lines.push(`${PREFIX}${offset(msg.length)}`);
  return lines.join('\n');
}

const PREFIX = 'debug: ';
const offset = (n: number): string => n.toString(16).padStart(6, '0');
