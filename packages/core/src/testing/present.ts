import type * as dnsPacket from 'dns-packet';

/** A record in one line of presentation text, lowercased names, for comparing in tests. */
export function present(a: dnsPacket.Answer): string {
  const name = fqdn(a.name);
  const ttl = 'ttl' in a ? a.ttl : 0;
  const head = `${name} ${ttl} ${'class' in a && a.class ? a.class : 'IN'} ${a.type}`;
  const d = (a as { data?: unknown }).data;
  switch (a.type) {
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return `${head} ${fqdn(d as string)}`;
    case 'TXT': {
      const parts = Array.isArray(d) ? d : [d];
      return `${head} ${parts.map((p) => `"${Buffer.isBuffer(p) ? p.toString() : String(p)}"`).join(' ')}`;
    }
    case 'MX': {
      const m = d as { preference: number; exchange: string };
      return `${head} ${m.preference} ${fqdn(m.exchange)}`;
    }
    case 'SRV': {
      const s = d as { priority: number; weight: number; port: number; target: string };
      return `${head} ${s.priority} ${s.weight} ${s.port} ${fqdn(s.target)}`;
    }
    case 'SOA': {
      const s = d as { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
      return `${head} ${fqdn(s.mname)} ${fqdn(s.rname)} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
    }
    case 'HINFO': {
      const h = d as { cpu: string; os: string };
      return `${head} "${h.cpu}" "${h.os}"`;
    }
    default:
      return `${head} ${typeof d === 'string' ? d : JSON.stringify(d)}`;
  }
}

function fqdn(name: string): string {
  const lower = name.toLowerCase();
  return lower === '.' || lower === '' ? '.' : lower.endsWith('.') ? lower : lower + '.';
}
