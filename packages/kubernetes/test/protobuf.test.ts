import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { Interner } from '../src/entries.js';
import { type RawObject, toNamespace, toPod, toService, toSlice } from '../src/objects.js';
import { type ListHead, ProtoListReader, unwrap } from '../src/proto-list.js';
import { decodePod, decodeService, decodeSlice, type RawDecoder, statusMessage } from '../src/proto-objects.js';
import { ProtoError, ProtoReader } from '../src/protobuf.js';
import { protoDecoders } from '../src/resources.js';
import { endpointSlice, namespace, pod, service } from '../src/testing/fixtures.js';
import { encodeList, encodeObject, envelope, listPieces } from '../src/testing/protobuf.js';

/**
 * The messages as k8s.io/api and k8s.io/apimachinery define them (core/v1, discovery/v1 and
 * meta/v1 generated.proto: the same field numbers), for an encoder and decoder that are not ours.
 * Fields the plugin never reads (uid, creationTimestamp, managedFields, the whole PodSpec) are
 * here so that the objects carry them, as a real API server's do.
 */
const PROTO = `
syntax = "proto2";
package k8s;
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message FieldsV1 { optional bytes Raw = 1; }
message ManagedFieldsEntry { optional string manager = 1; optional string operation = 2; optional string apiVersion = 3; optional Time time = 4; optional string fieldsType = 6; optional FieldsV1 fieldsV1 = 7; }
message OwnerReference { optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional bool controller = 6; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string uid = 5;
  optional string resourceVersion = 6; optional int64 generation = 7; optional Time creationTimestamp = 8; optional Time deletionTimestamp = 9;
  map<string, string> labels = 11; map<string, string> annotations = 12; repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14; repeated ManagedFieldsEntry managedFields = 17;
}
message ListMeta { optional string selfLink = 1; optional string resourceVersion = 2; optional string continue = 3; optional int64 remainingItemCount = 4; }
message ServicePort { optional string name = 1; optional string protocol = 2; optional int32 port = 3; optional int32 nodePort = 5; optional string appProtocol = 6; }
message ServiceSpec {
  repeated ServicePort ports = 1; map<string, string> selector = 2; optional string clusterIP = 3; optional string type = 4;
  repeated string externalIPs = 5; optional string sessionAffinity = 7; optional string externalName = 10;
  optional bool publishNotReadyAddresses = 13; optional string ipFamilyPolicy = 17; repeated string clusterIPs = 18; repeated string ipFamilies = 19;
  optional string internalTrafficPolicy = 22;
}
message LoadBalancerIngress { optional string ip = 1; optional string hostname = 2; optional string ipMode = 3; }
message LoadBalancerStatus { repeated LoadBalancerIngress ingress = 1; }
message ServiceStatus { optional LoadBalancerStatus loadBalancer = 1; }
message Service { optional ObjectMeta metadata = 1; optional ServiceSpec spec = 2; optional ServiceStatus status = 3; }
message EndpointConditions { optional bool ready = 1; optional bool serving = 2; optional bool terminating = 3; }
message ObjectReference { optional string kind = 1; optional string namespace = 2; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional string resourceVersion = 6; }
message Endpoint {
  repeated string addresses = 1; optional EndpointConditions conditions = 2; optional string hostname = 3;
  optional ObjectReference targetRef = 4; optional string nodeName = 6; optional string zone = 7;
}
message EndpointPort { optional string name = 1; optional string protocol = 2; optional int32 port = 3; optional string appProtocol = 4; }
message EndpointSlice { optional ObjectMeta metadata = 1; optional string addressType = 4; repeated Endpoint endpoints = 2; repeated EndpointPort ports = 3; }
message NamespaceStatus { optional string phase = 1; }
message Namespace { optional ObjectMeta metadata = 1; optional NamespaceStatus status = 3; }
message PodSpec { optional string nodeName = 10; optional bool hostNetwork = 11; }
message PodIP { optional string ip = 1; }
message PodStatus { optional string phase = 1; optional string hostIP = 5; optional string podIP = 6; repeated PodIP podIPs = 12; }
message Pod { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; optional PodStatus status = 3; }
message Status { optional ListMeta metadata = 1; optional string status = 2; optional string message = 3; optional string reason = 4; optional int32 code = 6; }
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message ServiceList { optional ListMeta metadata = 1; repeated Service items = 2; }
`;
const root = protobuf.parse(PROTO, { keepCase: true }).root;
const type = (name: string): protobuf.Type => root.lookupType(`k8s.${name}`);

/** A JSON object as protobufjs takes it: times as Time messages. */
function protoShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(protoShape);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (/Timestamp$|^time$/.test(k) && typeof v === 'string') out[k] = { seconds: Math.floor(Date.parse(v) / 1000) };
    else if (k === 'fieldsV1') out[k] = { Raw: Buffer.from(JSON.stringify(v)) };
    else out[k] = protoShape(v);
  }
  return out;
}

/** A JSON object without its empty arrays, which Protocol Buffers cannot tell from absent ones. */
function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (Array.isArray(v) && v.length === 0 ? [] : [[k, withoutEmpty(v)]])));
}

/** What a real API server adds to every object: metadata the plugin does not read. */
function asServed<T extends RawObject>(obj: T): T {
  const metadata = {
    ...obj.metadata,
    uid: '6c2f1e0a-5b1d-4c1e-9a55-0d7c1a2b3c4d',
    resourceVersion: obj.metadata?.resourceVersion ?? '12345',
    creationTimestamp: '2026-01-02T03:04:05Z',
    generation: 3,
    annotations: { ...obj.metadata?.annotations, 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(obj).repeat(20) },
    managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2026-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } }],
  };
  return { ...obj, metadata };
}

function protobufjsEncode(kind: string, obj: RawObject): Buffer {
  const { apiVersion: _a, kind: _k, ...fields } = obj as Record<string, unknown>;
  const t = type(kind);
  return Buffer.from(t.encode(t.fromObject(protoShape(fields) as Record<string, unknown>)).finish());
}

const decode = (decoder: RawDecoder, buf: Buffer): RawObject => decoder(new ProtoReader(buf, 0, buf.length), buf.length);

const SERVICES = [
  service('ns', 'plain', { clusterIP: '10.0.0.1', ports: [{ name: 'http', port: 80 }, { name: 'DNS', port: 53, protocol: 'UDP' }] }),
  service('ns', 'dual', { clusterIP: ['10.0.0.2', 'fd00::2'], ports: [{ port: 443 }], labels: { app: 'web', tier: 'front' } }),
  service('ns', 'headless', { clusterIP: 'None', publishNotReadyAddresses: true }),
  service('ns', 'ext', { externalName: 'Example.COM.' }),
  service('ns', 'lb', { type: 'LoadBalancer', clusterIP: '10.0.0.3', externalIPs: ['192.0.2.1', '192.0.2.2'], loadBalancer: [{ ip: '192.0.2.1' }, { ip: '192.0.2.9' }, { hostname: 'LB.example.' }] }),
  // A negative port (no API server allows one) is written as ten bytes: it still reads as what it was.
  { ...service('ns', 'odd', { clusterIP: '10.0.0.4' }), spec: { clusterIP: '10.0.0.4', ports: [{ name: 'x', port: -1, protocol: 'TCP' }] } },
];
const SLICES = [
  endpointSlice('ns', 'web-abc', 'web', {
    endpoints: [{ ip: '10.1.0.1', hostname: 'Host-1', pod: 'Web-7d4b9-x', node: 'node-1' }, { ip: ['10.1.0.2', '10.1.0.3'], ready: false }, { ip: '10.1.0.4', ready: true }],
    ports: [{ name: 'http', port: 80 }],
    triggerTime: new Date('2026-03-04T05:06:07Z'),
  }),
  endpointSlice('ns', 'web-v6', 'web', { endpoints: [{ ip: 'fd00::1:2' }], addressType: 'IPv6', labels: { extra: 'yes' } }),
  endpointSlice('ns', 'fqdn', 'ext', { endpoints: [{ ip: 'example.com' }], addressType: 'FQDN' }),
  endpointSlice('ns', 'empty', 'none', { endpoints: [] }),
];
const PODS = [pod('ns', 'running', ['10.2.0.1', 'fd00::2:1']), pod('ns', 'leaving', ['10.2.0.2'], { terminating: true }), pod('ns', 'done', ['10.2.0.3'], { phase: 'Succeeded' }), pod('ns', 'pending', [])];
const NAMESPACES = [namespace('ns'), namespace('labelled', { team: 'dns' })];

const CASES: ['Service' | 'EndpointSlice' | 'Pod' | 'Namespace', RawObject[], (raw: RawObject, intern: Interner, podNames: boolean) => unknown][] = [
  ['Service', SERVICES, (raw, intern) => toService(raw, intern)],
  ['EndpointSlice', SLICES, (raw, intern, podNames) => toSlice(raw, intern, podNames)],
  ['Pod', PODS, (raw, intern) => toPod(raw, intern)],
  ['Namespace', NAMESPACES, (raw) => toNamespace(raw)],
];

test('each kind read from Protocol Buffers written by protobufjs becomes the entry its JSON becomes', () => {
  for (const podNames of [true, false]) {
    for (const [kind, objects, convert] of CASES) {
      for (const obj of objects) {
        const served = asServed(obj);
        const buf = protobufjsEncode(kind, served);
        const fromProto = protoDecoders(podNames)[kind](new ProtoReader(buf, 0, buf.length), buf.length, new Interner());
        assert.deepEqual(fromProto, convert(served, new Interner(), podNames), `${kind} ${obj.metadata?.name}`);
      }
    }
  }
});

test('what the plugin does not read is skipped: the large annotation, managedFields, the PodSpec', () => {
  const served = asServed(SLICES[0]!);
  const buf = protobufjsEncode('EndpointSlice', served);
  const slice = decodeSlice(new ProtoReader(buf, 0, buf.length), buf.length, new Interner(), true);
  assert.equal(slice.triggerTime, Date.parse('2026-03-04T05:06:07Z'));
  const raw = decode(decodeService, protobufjsEncode('Service', asServed(SERVICES[1]!)));
  assert.deepEqual(raw.metadata!.annotations, {});
  assert.equal(Object.keys(raw.metadata!).includes('managedFields'), false);
});

test("the stand-in API server's encoding, read by protobufjs, is the object's JSON", () => {
  for (const [kind, objects] of CASES) {
    for (const obj of objects) {
      const { apiVersion: _a, kind: _k, ...fields } = obj as Record<string, unknown>;
      const back = type(kind).toObject(type(kind).decode(encodeObject(kind, obj)), { longs: Number, defaults: false });
      assert.deepEqual(back, protoShape(withoutEmpty(fields)), `${kind} ${obj.metadata?.name}`);
    }
  }
});

/** Reads a list body in chunks of `size` bytes: the items' names, and how many items had come when the head was handed over. */
function readList(body: Buffer, size: number): { names: string[]; head: ListHead | null; headAfter: number; end: ListHead } {
  const names: string[] = [];
  let head: ListHead | null = null;
  let headAfter = -1;
  const reader = new ProtoListReader(
    decodeService,
    (item) => names.push((item as RawObject).metadata?.name ?? ''),
    (h) => {
      head = h;
      headAfter = names.length;
    },
  );
  for (let i = 0; i < body.length; i += size) reader.push(body.subarray(i, i + size));
  return { names, head, headAfter, end: reader.end() };
}

const listBody = (n: number, metadata: Record<string, string> = { resourceVersion: '77', continue: 'next-page' }): Buffer =>
  envelope('v1', 'ServiceList', encodeList(metadata, Array.from({ length: n }, (_, i) => encodeObject('Service', asServed(SERVICES[i % SERVICES.length]!)))));

test('a list page: every item in order, and its metadata before the first item, at every chunk size down to one byte', () => {
  const body = listBody(12);
  const whole = readList(body, body.length);
  assert.equal(whole.names.length, 12);
  assert.deepEqual(whole.head, { metadata: { resourceVersion: '77', continue: 'next-page' } });
  for (const size of [1, 2, 3, 7, 64, 1000, 4096]) {
    const got = readList(body, size);
    assert.deepEqual(got.names, whole.names, `chunks of ${size}`);
    assert.equal(got.headAfter, 0, `chunks of ${size}`);
    assert.deepEqual(got.end, whole.head);
  }
  // protobufjs reads the same body as a ServiceList in a runtime.Unknown.
  const unknown = type('Unknown').toObject(type('Unknown').decode(body.subarray(4))) as { typeMeta: unknown; raw: Uint8Array };
  assert.deepEqual(unknown.typeMeta, { apiVersion: 'v1', kind: 'ServiceList' });
  assert.equal((type('ServiceList').toObject(type('ServiceList').decode(unknown.raw)) as { items: unknown[] }).items.length, 12);
});

test('a list read in chunks copies only the items a chunk cuts, not the chunks', () => {
  const body = listBody(400);
  const concat = Buffer.concat;
  let copied = 0;
  Buffer.concat = ((list: readonly Uint8Array[], length?: number) => {
    const out = concat(list, length);
    copied += out.length;
    return out;
  }) as typeof Buffer.concat;
  try {
    assert.equal(readList(body, 65536).names.length, 400);
  } finally {
    Buffer.concat = concat;
  }
  // One item (about 5 KB) per chunk's end: joining each chunk to what was held copied the whole body.
  assert.ok(copied < body.length / 8, `${copied} of ${body.length} bytes copied`);
});

test("the stand-in's list in pieces is the list's body, byte for byte", () => {
  const items = Array.from({ length: 40 }, (_, i) => encodeObject('Service', asServed(SERVICES[i % SERVICES.length]!)));
  const metadata = { resourceVersion: '77', continue: 'next-page' };
  const whole = envelope('v1', 'ServiceList', encodeList(metadata, items));
  const pieces = [...listPieces('v1', 'ServiceList', metadata, items, 4096)];
  assert.ok(pieces.length > 10, `${pieces.length} pieces`);
  assert.ok(Buffer.concat(pieces).equals(whole));
  assert.ok(Buffer.concat([...listPieces('v1', 'ServiceList', metadata, [])]).equals(envelope('v1', 'ServiceList', encodeList(metadata, []))));
});

test('an empty list, and one without metadata, hand over an empty head once', () => {
  assert.deepEqual(readList(listBody(0, { resourceVersion: '5' }), 3).end, { metadata: { resourceVersion: '5' } });
  const bare = envelope('v1', 'ServiceList', Buffer.concat([Buffer.from([0x12, 0])]));
  const got = readList(bare, 1);
  assert.deepEqual(got.names, ['']);
  assert.deepEqual(got.end, { metadata: {} });
});

test('a body that is not such a list is a ProtoError (no magic, cut short, an item past its list, a bad varint); a time no Date holds is still a time', () => {
  const body = listBody(3);
  const cases: [string, Buffer][] = [
    ['JSON', Buffer.from('{"kind":"ServiceList"}')],
    ['cut short', body.subarray(0, body.length - 40)],
    ['cut in the envelope', body.subarray(0, 7)],
    ['a varint of 11 bytes', Buffer.concat([body.subarray(0, 4), Buffer.alloc(11, 0xff)])],
  ];
  // Cut where an item ends: the list's length says more were coming.
  const last = encodeObject('Service', asServed(SERVICES[2]!));
  const lastSize = 1 + (last.length < 128 ? 1 : last.length < 16384 ? 2 : 3) + last.length;
  cases.push(['cut at an item', body.subarray(0, body.length - 4 - lastSize)]);
  // The list's length says 10 bytes, its first item 200.
  cases.push(['an item past its list', Buffer.concat([body.subarray(0, 4), Buffer.from([0x12, 10, 0x12, 0xc8, 0x01]), Buffer.alloc(200)])]);
  for (const [name, bad] of cases) {
    assert.throws(() => readList(bad, 5), ProtoError, name);
  }
  // A deletionTimestamp of -1 s (ten bytes, about 2^64 as read) is a time that is set, not a RangeError.
  const leaving = decode(decodePod, Buffer.concat([Buffer.from([0x0a, 0x0f, 0x4a, 0x0d, 0x08]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), Buffer.from([0x10, 0x00])]));
  assert.ok(leaving.metadata?.deletionTimestamp);
  // An item whose own field runs past it.
  assert.throws(() => decode(decodeService, Buffer.from([0x0a, 0x05, 0x0a, 0x09, 0x61])), ProtoError);
});

test("an error's Status in Protocol Buffers: its message", () => {
  const body = envelope('v1', 'Status', encodeObject('Status', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old', reason: 'Expired', code: 410 } as RawObject));
  const r = unwrap(body);
  assert.equal(statusMessage(r, r.end), 'too old');
});

test('a list page with bytes changed at random: items or a ProtoError, never another error (20,000 seeded cases)', () => {
  const body = listBody(4);
  let seed = 17;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  let errors = 0;
  for (let i = 0; i < 20_000; i++) {
    const bad = Buffer.from(body);
    for (let k = 1 + random(4); k > 0; k--) bad[random(bad.length)] = random(256);
    try {
      const reader = new ProtoListReader(decodeService, (item) => toService(item as RawObject, new Interner()), () => {});
      for (let at = 0; at < bad.length; at += 97) reader.push(bad.subarray(at, at + 97));
      reader.end();
    } catch (err) {
      if (!(err instanceof ProtoError)) throw err;
      errors++;
    }
  }
  assert.ok(errors > 0 && errors < 20_000, `${errors} errors`);
});
