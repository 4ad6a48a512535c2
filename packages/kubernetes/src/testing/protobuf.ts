import type { RawObject } from '../objects.js';
import { type ListHead, ProtoListReader } from '../proto-list.js';
import { MAGIC } from '../protobuf.js';
import { Interner } from '../entries.js';
import { protoDecoders } from '../resources.js';

/**
 * The stand-in API server's Protocol Buffers: objects written as the API
 * server writes them (k8s.io/api's generated.proto field numbers; fields in
 * number order, as Go's generated code writes them), for the fields the
 * test builders and a real object's usual metadata carry. A field with no
 * number here is refused, so that no test's object loses a field unseen.
 */

type FieldType = 'string' | 'bool' | 'int' | 'time' | 'map' | 'fieldsV1' | Schema;
interface Schema {
  readonly [json: string]: readonly [number, FieldType];
}

const TIME: Schema = { seconds: [1, 'int'], nanos: [2, 'int'] };
const LIST_META: Schema = { selfLink: [1, 'string'], resourceVersion: [2, 'string'], continue: [3, 'string'], remainingItemCount: [4, 'int'] };
const OBJECT_REFERENCE: Schema = { kind: [1, 'string'], namespace: [2, 'string'], name: [3, 'string'], uid: [4, 'string'], apiVersion: [5, 'string'], resourceVersion: [6, 'string'] };
const OBJECT_META: Schema = {
  name: [1, 'string'],
  generateName: [2, 'string'],
  namespace: [3, 'string'],
  uid: [5, 'string'],
  resourceVersion: [6, 'string'],
  generation: [7, 'int'],
  creationTimestamp: [8, 'time'],
  deletionTimestamp: [9, 'time'],
  labels: [11, 'map'],
  annotations: [12, 'map'],
  ownerReferences: [13, { apiVersion: [5, 'string'], kind: [1, 'string'], name: [3, 'string'], uid: [4, 'string'], controller: [6, 'bool'] }],
  finalizers: [14, 'string'],
  managedFields: [17, { manager: [1, 'string'], operation: [2, 'string'], apiVersion: [3, 'string'], time: [4, 'time'], fieldsType: [6, 'string'], fieldsV1: [7, 'fieldsV1'] }],
};
const PORT: Schema = { name: [1, 'string'], protocol: [2, 'string'], port: [3, 'int'] };

const SCHEMAS: Record<string, Schema> = {
  Service: {
    metadata: [1, OBJECT_META],
    spec: [
      2,
      {
        ports: [1, { ...PORT, nodePort: [5, 'int'], appProtocol: [6, 'string'] }],
        selector: [2, 'map'],
        clusterIP: [3, 'string'],
        type: [4, 'string'],
        externalIPs: [5, 'string'],
        sessionAffinity: [7, 'string'],
        externalName: [10, 'string'],
        publishNotReadyAddresses: [13, 'bool'],
        ipFamilyPolicy: [17, 'string'],
        clusterIPs: [18, 'string'],
        ipFamilies: [19, 'string'],
        internalTrafficPolicy: [22, 'string'],
      },
    ],
    status: [3, { loadBalancer: [1, { ingress: [1, { ip: [1, 'string'], hostname: [2, 'string'], ipMode: [3, 'string'] }] }] }],
  },
  EndpointSlice: {
    metadata: [1, OBJECT_META],
    endpoints: [
      2,
      {
        addresses: [1, 'string'],
        conditions: [2, { ready: [1, 'bool'], serving: [2, 'bool'], terminating: [3, 'bool'] }],
        hostname: [3, 'string'],
        targetRef: [4, OBJECT_REFERENCE],
        nodeName: [6, 'string'],
        zone: [7, 'string'],
      },
    ],
    ports: [3, { ...PORT, appProtocol: [4, 'string'] }],
    addressType: [4, 'string'],
  },
  Namespace: { metadata: [1, OBJECT_META], status: [3, { phase: [1, 'string'] }] },
  Pod: {
    metadata: [1, OBJECT_META],
    spec: [2, { nodeName: [10, 'string'], hostNetwork: [11, 'bool'] }],
    status: [3, { phase: [1, 'string'], hostIP: [5, 'string'], podIP: [6, 'string'], podIPs: [12, { ip: [1, 'string'] }] }],
  },
  Status: { metadata: [1, LIST_META], status: [2, 'string'], message: [3, 'string'], reason: [4, 'string'], code: [6, 'int'] },
};

/** Each stored object's encoding, made once: stored objects are replaced, never changed. */
const encoded = new WeakMap<object, Buffer>();

/** An object of a kind as a list item or a body's message (without apiVersion and kind, which the envelope carries). */
export function encodeObject(kind: string, obj: RawObject): Buffer {
  let bytes = encoded.get(obj);
  if (!bytes) {
    const schema = SCHEMAS[kind];
    if (!schema) throw new Error(`FakeApiServer: no Protocol Buffers for kind ${kind}`);
    const { apiVersion: _a, kind: _k, ...fields } = obj as Record<string, unknown>;
    bytes = message(schema, fields, kind);
    encoded.set(obj, bytes);
  }
  return bytes;
}

/** A whole body: the magic bytes and a runtime.Unknown (typeMeta 1, raw 2, contentEncoding 3, contentType 4) around `raw`. */
export function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([envelopeHead(apiVersion, kind, raw.length), raw, envelopeTail()]);
}

/** A body up to its raw bytes, which are `length` long. */
function envelopeHead(apiVersion: string, kind: string, length: number): Buffer {
  const typeMeta = Buffer.concat([field(1, 'string', apiVersion), field(2, 'string', kind)]);
  return Buffer.concat([MAGIC, delimited(1, typeMeta), varint((2 << 3) | 2), varint(length)]);
}

/** What a body ends with after its raw bytes: the encoding and type, empty. */
function envelopeTail(): Buffer {
  return Buffer.concat([field(3, 'string', ''), field(4, 'string', '')]);
}

/**
 * The body of a list of `items` (each encoded already), in pieces of about
 * `size` bytes, as kube-apiserver's streaming list encoder (1.33 on) writes
 * one: the lengths come first, so the first piece does not wait for the last
 * item. The bytes are those of `envelope(…, encodeList(…))`.
 */
export function* listPieces(apiVersion: string, kind: string, metadata: Record<string, string>, items: readonly Buffer[], size = 64 * 1024): Generator<Buffer> {
  const meta = delimited(1, message(LIST_META, metadata, 'ListMeta'));
  const heads = items.map((item) => Buffer.concat([varint((2 << 3) | 2), varint(item.length)]));
  const length = items.reduce((sum, item, i) => sum + heads[i]!.length + item.length, meta.length);
  let parts = [envelopeHead(apiVersion, kind, length), meta];
  let bytes = 0;
  for (let i = 0; i < items.length; i++) {
    parts.push(heads[i]!, items[i]!);
    bytes += heads[i]!.length + items[i]!.length;
    if (bytes < size) continue;
    yield Buffer.concat(parts);
    parts = [];
    bytes = 0;
  }
  parts.push(envelopeTail());
  yield Buffer.concat(parts);
}

/** A list's raw bytes: metadata 1, then each item 2. */
export function encodeList(metadata: Record<string, string>, items: readonly Buffer[]): Buffer {
  return Buffer.concat([delimited(1, message(LIST_META, metadata, 'ListMeta')), ...items.map((item) => delimited(2, item))]);
}

/** Each schema's fields in number order, sorted once. */
const ordered = new WeakMap<Schema, [string, readonly [number, FieldType]][]>();

function message(schema: Schema, obj: Record<string, unknown>, path: string): Buffer {
  for (const name of Object.keys(obj)) if (!schema[name]) throw new Error(`FakeApiServer: no Protocol Buffers field for ${path}.${name}`);
  let fields = ordered.get(schema);
  if (!fields) ordered.set(schema, (fields = Object.entries(schema).sort((a, b) => a[1][0] - b[1][0])));
  const parts: Buffer[] = [];
  for (const [name, [number, type]] of fields) {
    const value = obj[name];
    if (value === undefined || value === null) continue;
    if (type === 'map') {
      for (const [k, v] of Object.entries(value as Record<string, string>)) parts.push(delimited(number, Buffer.concat([field(1, 'string', k), field(2, 'string', v)])));
    } else if (Array.isArray(value)) for (const item of value) parts.push(field(number, type, item, `${path}.${name}`));
    else parts.push(field(number, type, value, `${path}.${name}`));
  }
  return Buffer.concat(parts);
}

function field(number: number, type: FieldType, value: unknown, path = ''): Buffer {
  switch (type) {
    case 'string':
      return delimited(number, Buffer.from(String(value), 'utf8'));
    case 'bool':
    case 'int':
      return Buffer.concat([varint(number << 3), varint(type === 'bool' ? Number(!!value) : Number(value))]);
    case 'time': {
      const ms = Date.parse(String(value));
      return delimited(number, message(TIME, { seconds: Math.floor(ms / 1000) }, path));
    }
    case 'fieldsV1':
      // FieldsV1 (Raw 1): the JSON object's text.
      return delimited(number, delimited(1, Buffer.from(JSON.stringify(value), 'utf8')));
    case 'map':
      throw new Error(`FakeApiServer: a map inside a list at ${path}`);
    default:
      return delimited(number, message(type, value as Record<string, unknown>, path));
  }
}

function delimited(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

/** A varint; a negative number as its 64-bit two's complement (ten bytes), as Go writes a negative int32. */
function varint(n: number): Buffer {
  const out: number[] = [];
  if (n < 0) {
    let v = BigInt.asUintN(64, BigInt(n));
    for (; v >= 0x80n; v >>= 7n) out.push(Number(v & 0x7fn) | 0x80);
    out.push(Number(v));
  } else {
    let v = n;
    for (; v >= 0x80; v = Math.floor(v / 0x80)) out.push((v % 0x80) | 0x80);
    out.push(v);
  }
  return Buffer.from(out);
}

/** Each kind's decoder as the plugin's informers use it (CoreDNS's default: no endpoint_pod_names). */
const DECODERS = protoDecoders(false);

/**
 * A list page in Protocol Buffers read as the plugin reads one, every item
 * decoded into its index entry: its metadata and how many items it held. For a client that
 * measures how long a list takes.
 */
export function readProtoList(kind: keyof typeof DECODERS, body: Buffer): { metadata: ListHead['metadata']; items: number } {
  let items = 0;
  const intern = new Interner();
  const decode = DECODERS[kind];
  const reader = new ProtoListReader((r, end) => decode(r, end, intern), () => items++, () => {});
  reader.push(body);
  return { metadata: reader.end().metadata, items };
}
