import { posix } from 'node:path';

/** Go's path.Clean: no doubled slashes, `.` and `..` resolved, no trailing slash but for the root. */
export function cleanPath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** The etcd path of the `path` option: `skydns`, `/skydns` and `/skydns/` are all `/skydns`. */
export function basePath(prefix: string): string {
  return cleanPath(`/${prefix}/`);
}

/** A name's labels, split at the dots that are not escaped (miekg/dns's SplitDomainName); none for the root. */
export function labels(name: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '\\') {
      i++;
    } else if (c === '.') {
      out.push(name.slice(start, i));
      start = i + 1;
    }
  }
  if (start < name.length) out.push(name.slice(start));
  return out;
}

/**
 * CoreDNS's msg.Path: `service.staging.skydns.local.` under `/skydns` is
 * `/skydns/local/skydns/staging/service`.
 */
export function keyPath(name: string, base: string): string {
  return cleanPath(`${base}/${labels(name).reverse().join('/')}`);
}

/**
 * CoreDNS's msg.PathWithWildcard: the path of `name` cut before its first
 * wildcard label (`*` or `any`), and whether there was one; a wildcard's
 * lookup reads that whole subtree and keeps the keys that match.
 */
export function wildcardPath(name: string, base: string): { path: string; star: boolean } {
  const l = labels(name).reverse();
  const at = l.findIndex((x) => x === '*' || x === 'any');
  if (at < 0) return { path: cleanPath(`${base}/${l.join('/')}`), star: false };
  return { path: cleanPath(`${base}/${l.slice(0, at).join('/')}`), star: true };
}

/**
 * The name a key stands for (CoreDNS's msg.Domain, which takes the path to
 * be one segment): `/skydns/local/skydns/x` is `x.skydns.local.`.
 */
export function keyDomain(key: string, base: string): string {
  const rest = key.slice(base === '/' ? 1 : base.length + 1);
  const parts = rest.split('/');
  if (parts.at(-1) === '') parts.pop();
  return parts.length === 0 ? '.' : `${parts.reverse().join('.')}.`;
}
