// A generated cluster, the same everywhere the benches need one: SERVICES services in one
// namespace per 100 (one in ten headless), each with one EndpointSlice of ENDPOINTS endpoints
// (a Deployment's pod names, 100 nodes), port `http` 80. As API objects (for the stand-in API
// server or manifests) and as the records of a zone file that answers the same questions the
// same way (for NSD and Knot).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Namespaces of a cluster of `services` services: one per 100 services. */
export const namespacesOf = (services) => Math.max(1, Math.round(services / 100));

/** The name of service `i` (lowercase, under cluster.local). */
export const serviceName = (services, i) => `svc-${i}.ns-${i % namespacesOf(services)}.svc.cluster.local`;

const clusterIp = (i) => `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
const endpointIp = (k) => `100.${64 + (k >> 16)}.${(k >> 8) & 255}.${k & 255}`;
const headless = (i) => i % 10 === 0;

/** Calls `visit(namespace, name, clusterIP or 'None', endpoints)` for each service, in order. */
function eachService({ services, endpointsPerService }, visit) {
  const namespaces = namespacesOf(services);
  for (let i = 0; i < services; i++) {
    const name = `svc-${i}`;
    const endpoints = [];
    for (let e = 0; e < endpointsPerService; e++) {
      const k = i * endpointsPerService + e;
      endpoints.push({ ip: endpointIp(k), pod: `${name}-7d4b9c8f6d-${k.toString(36).padStart(5, 'x')}`, node: `node-${k % 100}` });
    }
    visit(i, `ns-${i % namespaces}`, name, headless(i) ? 'None' : clusterIp(i), endpoints);
  }
}

/**
 * The cluster's API objects, one at a time (`apply(object)`): namespaces, then each service and
 * its slice. `fixtures` are @chaindns/kubernetes/testing's builders.
 */
export function applyCluster(shape, fixtures, apply) {
  const { endpointSlice, namespace, service } = fixtures;
  for (let n = 0; n < namespacesOf(shape.services); n++) apply(namespace(`ns-${n}`));
  eachService(shape, (i, ns, name, ip, endpoints) => {
    apply(service(ns, name, { clusterIP: ip, ports: [{ name: 'http', port: 80 }] }));
    apply(endpointSlice(ns, `${name}-${i.toString(36)}`, name, { endpoints, ports: [{ name: 'http', port: 80 }] }));
  });
}

/** Writes the cluster as one JSON `List` manifest (what `kubernetes { manifests PATH }` reads). */
export async function writeManifest(path, shape, fixtures) {
  const w = createWriteStream(path);
  w.write('{"apiVersion":"v1","kind":"List","items":[\n');
  let first = true;
  let pending = '';
  applyCluster(shape, fixtures, (obj) => {
    pending += `${first ? '' : ',\n'}${JSON.stringify(obj)}`;
    first = false;
  });
  w.write(pending);
  w.end(']}\n');
  await once(w, 'finish');
}

/**
 * Writes the zone cluster.local with the records the kubernetes plugin answers for the cluster
 * (TTL 5, as its default): a ClusterIP service's A record, a headless service's A record per
 * endpoint, every endpoint's own A record under its service (its address with dashes), and the
 * SRV records at the service's name and at `_http._tcp`.
 */
export async function writeZone(path, shape) {
  const w = createWriteStream(path);
  w.write('$ORIGIN cluster.local.\n$TTL 5\n@ SOA ns.dns hostmaster 1 7200 1800 86400 5\n@ NS ns.dns\nns.dns A 127.0.0.1\n');
  let text = '';
  eachService(shape, (_i, ns, name, ip, endpoints) => {
    const owner = `${name}.${ns}.svc`;
    const srv = (target) => `${owner} SRV 0 100 80 ${target}\n_http._tcp.${owner} SRV 0 100 80 ${target}\n`;
    if (ip !== 'None') text += `${owner} A ${ip}\n${srv(`${owner}.cluster.local.`)}`;
    for (const ep of endpoints) {
      const host = `${ep.ip.replaceAll('.', '-')}.${owner}`;
      text += `${host} A ${ep.ip}\n`;
      if (ip === 'None') text += `${owner} A ${ep.ip}\n${srv(`${host}.cluster.local.`)}`;
    }
    if (text.length > 1 << 20) {
      w.write(text);
      text = '';
    }
  });
  w.end(text);
  await once(w, 'finish');
}

/** A query file of `count` random service names (A), seeded: the same names for every server. */
export async function writeServiceQueries(path, services, count) {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines = [];
  for (let n = 0; n < count; n++) lines.push(`${serviceName(services, Math.floor(random() * services))} A\n`);
  const w = createWriteStream(path);
  w.end(lines.join(''));
  await once(w, 'finish');
}
