// A hosts file of `lines` lines, as big ones look: mostly IPv4 with an alias or two, some IPv6,
// comments and blank lines. Name i is `host-<i>.bench.example`, so a bench can ask for any of them.
export function hostsFile(lines) {
  const out = ['# generated for the hosts bench', '127.0.0.1 localhost', '::1 localhost ip6-localhost', ''];
  for (let i = 0; out.length < lines; i++) {
    const v4 = `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`;
    if (i % 10 === 9) out.push(`fd00::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)} host-${i}.bench.example`);
    else if (i % 3 === 0) out.push(`${v4}\thost-${i}.bench.example host-${i}-alias.bench.example # alias`);
    else out.push(`${v4} host-${i}.bench.example`);
  }
  return out.join('\n') + '\n';
}
