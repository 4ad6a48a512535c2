import { EndpointColumns, type Interner, type SliceEntry } from './entries.js';
import { portEntries, type RawEndpointSlice, type RawMeta, type RawObject, type RawPod, type RawService, SERVICE_NAME_LABEL, sliceEntry, TRIGGER_TIME_ANNOTATION } from './objects.js';
import { key, ProtoReader } from './protobuf.js';

/**
 * The API's objects from their Protocol Buffers encoding (k8s.io/api's
 * generated.proto: core/v1, discovery/v1, and apimachinery's meta/v1), into
 * the same shapes as their JSON, with only the fields `objects.ts` reads:
 * the conversion to index entries is then one code for both encodings. An
 * EndpointSlice, the one kind with an object per endpoint, is read straight
 * into its entry instead (decodeSlice), with the same helpers toSlice ends in.
 */

/** Decodes one object of a kind into its JSON's shape: the message from `r.pos` to `end`. */
export type RawDecoder = (r: ProtoReader, end: number) => RawObject;

const LEN = 2;
const VARINT = 0;

/**
 * meta/v1 ObjectMeta: name 1, namespace 3, resourceVersion 6, deletionTimestamp 9, labels 11, annotations 12;
 * with `label`, that label alone.
 */
function objectMeta(r: ProtoReader, end: number, label: string | null = null): RawMeta {
  const meta: RawMeta = {};
  while (r.pos < end) {
    const k = r.varint();
    switch (k) {
      case key(1, LEN):
        meta.name = r.string();
        break;
      case key(3, LEN):
        meta.namespace = r.string();
        break;
      case key(6, LEN):
        meta.resourceVersion = r.string();
        break;
      case key(9, LEN):
        meta.deletionTimestamp = time(r, r.delimited());
        break;
      case key(11, LEN):
        mapEntry(r, r.delimited(), (meta.labels ??= {}), label);
        break;
      case key(12, LEN):
        // Only the one annotation the plugin reads: others (kubectl's last-applied-configuration) can be large.
        mapEntry(r, r.delimited(), (meta.annotations ??= {}), TRIGGER_TIME_ANNOTATION);
        break;
      default:
        r.skip(k);
    }
  }
  return meta;
}

/** A map<string, string> entry (key 1, value 2) into `into`; with `only`, other keys' values are skipped. */
function mapEntry(r: ProtoReader, end: number, into: Record<string, string>, only: string | null): void {
  let name = '';
  let value = '';
  while (r.pos < end) {
    const k = r.varint();
    if (k === key(1, LEN)) name = r.string();
    else if (k === key(2, LEN) && (only === null || name === only)) value = r.string();
    else r.skip(k);
  }
  if (only === null || name === only) into[name] = value;
}

/** meta/v1 Time (seconds 1, nanos 2) as the JSON writes it, RFC 3339 in whole seconds. */
function time(r: ProtoReader, end: number): string {
  let seconds = 0;
  while (r.pos < end) {
    const k = r.varint();
    if (k === key(1, VARINT)) seconds = r.varint();
    else r.skip(k);
  }
  const date = new Date(seconds * 1000);
  // A time no Date holds (a negative int64 reads as about 2^64) is still a time that is set.
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace('.000Z', 'Z');
}

/** A repeated string field's next value, appended. */
function pushString(r: ProtoReader, list: string[] | null | undefined): string[] {
  const out = list ?? [];
  out.push(r.string());
  return out;
}

/** core/v1 ServicePort and discovery/v1 EndpointPort: name 1, protocol 2, port 3. */
function port(r: ProtoReader, end: number): { name?: string; protocol?: string; port?: number } {
  const p: { name?: string; protocol?: string; port?: number } = {};
  while (r.pos < end) {
    const k = r.varint();
    if (k === key(1, LEN)) p.name = r.string();
    else if (k === key(2, LEN)) p.protocol = r.string();
    else if (k === key(3, VARINT)) p.port = r.int32();
    else r.skip(k);
  }
  return p;
}

/** A message's string field `number` (the last one written), or undefined: for messages read for one field. */
function stringField(r: ProtoReader, end: number, number: number): string | undefined {
  let value: string | undefined;
  while (r.pos < end) {
    const k = r.varint();
    if (k === key(number, LEN)) value = r.string();
    else r.skip(k);
  }
  return value;
}

/** Reads a message's fields until `end`, each handed to `field` (which skips those it does not read). */
function fields(r: ProtoReader, end: number, field: (k: number) => void): void {
  while (r.pos < end) field(r.varint());
}

/** core/v1 Service: metadata 1, spec 2, status 3. */
export const decodeService: RawDecoder = (r, end) => {
  const svc: RawService = {};
  fields(r, end, (k) => {
    if (k === key(1, LEN)) svc.metadata = objectMeta(r, r.delimited());
    else if (k === key(2, LEN)) svc.spec = serviceSpec(r, r.delimited());
    else if (k === key(3, LEN)) svc.status = serviceStatus(r, r.delimited());
    else r.skip(k);
  });
  return svc;
};

/** ServiceSpec: ports 1, clusterIP 3, type 4, externalIPs 5, externalName 10, publishNotReadyAddresses 13, clusterIPs 18. */
function serviceSpec(r: ProtoReader, end: number): NonNullable<RawService['spec']> {
  const spec: NonNullable<RawService['spec']> = {};
  fields(r, end, (k) => {
    switch (k) {
      case key(1, LEN):
        (spec.ports ??= []).push(port(r, r.delimited()));
        break;
      case key(3, LEN):
        spec.clusterIP = r.string();
        break;
      case key(4, LEN):
        spec.type = r.string();
        break;
      case key(5, LEN):
        spec.externalIPs = pushString(r, spec.externalIPs);
        break;
      case key(10, LEN):
        spec.externalName = r.string();
        break;
      case key(13, VARINT):
        spec.publishNotReadyAddresses = r.bool();
        break;
      case key(18, LEN):
        spec.clusterIPs = pushString(r, spec.clusterIPs);
        break;
      default:
        r.skip(k);
    }
  });
  return spec;
}

/** ServiceStatus: loadBalancer 1 (LoadBalancerStatus: ingress 1). */
function serviceStatus(r: ProtoReader, end: number): NonNullable<RawService['status']> {
  const ingress: { ip?: string; hostname?: string }[] = [];
  fields(r, end, (k) => {
    if (k !== key(1, LEN)) return r.skip(k);
    fields(r, r.delimited(), (k2) => (k2 === key(1, LEN) ? ingress.push(loadBalancerIngress(r, r.delimited())) : r.skip(k2)));
  });
  return { loadBalancer: { ingress } };
}

/** LoadBalancerIngress: ip 1, hostname 2. */
function loadBalancerIngress(r: ProtoReader, end: number): { ip?: string; hostname?: string } {
  const lb: { ip?: string; hostname?: string } = {};
  fields(r, end, (k) => {
    if (k === key(1, LEN)) lb.ip = r.string();
    else if (k === key(2, LEN)) lb.hostname = r.string();
    else r.skip(k);
  });
  return lb;
}

/**
 * discovery/v1 EndpointSlice (metadata 1, endpoints 2, ports 3, addressType 4)
 * straight into its entry, as toSlice makes one from the JSON: its endpoints
 * go into the entry's columns as they are read, with no object made for
 * one (a large cluster lists 100,000). Pod names (targetRef) are read only
 * for `podNames` (endpoint_pod_names).
 */
export function decodeSlice(r: ProtoReader, end: number, intern: Interner, podNames: boolean): SliceEntry {
  let meta: RawMeta = {};
  const endpoints = new EndpointColumns();
  const ports: NonNullable<RawEndpointSlice['ports']> = [];
  let fqdn = false;
  while (r.pos < end) {
    const k = r.varint();
    switch (k) {
      case key(1, LEN):
        meta = objectMeta(r, r.delimited(), SERVICE_NAME_LABEL);
        break;
      case key(2, LEN):
        endpoint(r, r.delimited(), podNames, endpoints);
        break;
      case key(3, LEN):
        ports.push(port(r, r.delimited()));
        break;
      case key(4, LEN):
        fqdn = r.string() === 'FQDN';
        break;
      default:
        r.skip(k);
    }
  }
  // FQDN slices carry no addresses DNS can use (the type comes after the endpoints).
  return sliceEntry(meta, portEntries(ports, intern), fqdn ? new EndpointColumns() : endpoints, intern);
}

/** Endpoint: addresses 1, conditions 2 (ready 1), hostname 3, targetRef 4 (ObjectReference: name 3); each address into `into`. */
function endpoint(r: ProtoReader, end: number, podNames: boolean, into: EndpointColumns): void {
  const start = r.pos;
  let ready = true;
  let hostname: string | null = null;
  let podName: string | null = null;
  // What every address of the endpoint shares, written after them.
  while (r.pos < end) {
    const k = r.varint();
    if (k === key(2, LEN)) {
      for (const conditionsEnd = r.delimited(); r.pos < conditionsEnd; ) {
        const k2 = r.varint();
        if (k2 === key(1, VARINT)) ready = r.bool();
        else r.skip(k2);
      }
    } else if (k === key(3, LEN)) hostname = r.string().toLowerCase() || null;
    else if (k === key(4, LEN) && podNames) podName = stringField(r, r.delimited(), 3)?.toLowerCase() || null;
    else r.skip(k);
  }
  r.pos = start;
  while (r.pos < end) {
    const k = r.varint();
    if (k !== key(1, LEN)) {
      r.skip(k);
      continue;
    }
    into.addAddress(r.string(), hostname, podName, ready);
  }
}

/** core/v1 Namespace: metadata 1. */
export const decodeNamespace: RawDecoder = (r, end) => {
  const ns: RawObject = {};
  fields(r, end, (k) => {
    if (k === key(1, LEN)) ns.metadata = objectMeta(r, r.delimited());
    else r.skip(k);
  });
  return ns;
};

/** core/v1 Pod: metadata 1, status 3. */
export const decodePod: RawDecoder = (r, end) => {
  const pod: RawPod = {};
  fields(r, end, (k) => {
    if (k === key(1, LEN)) pod.metadata = objectMeta(r, r.delimited());
    else if (k === key(3, LEN)) pod.status = podStatus(r, r.delimited());
    else r.skip(k);
  });
  return pod;
};

/** PodStatus: phase 1, podIP 6, podIPs 12 (PodIP: ip 1). */
function podStatus(r: ProtoReader, end: number): NonNullable<RawPod['status']> {
  const status: NonNullable<RawPod['status']> & { podIPs: { ip?: string }[] } = { podIPs: [] };
  fields(r, end, (k) => {
    if (k === key(1, LEN)) status.phase = r.string();
    else if (k === key(6, LEN)) status.podIP = r.string();
    else if (k === key(12, LEN)) status.podIPs.push({ ip: stringField(r, r.delimited(), 1) ?? '' });
    else r.skip(k);
  });
  return status;
}

/** meta/v1 Status's message (3), what an error response carries. */
export function statusMessage(r: ProtoReader, end: number): string {
  return stringField(r, end, 3) ?? '';
}
