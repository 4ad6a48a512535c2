import type { ResourceSync } from '@chaindns/core';
import type { KubernetesConfig } from './config.js';
import type { Interner } from './entries.js';
import type { ClusterIndex } from './index-store.js';
import type { LabelSelector } from './label-selector.js';
import { FINISHED_POD_PHASES, type RawObject, toNamespace, toPod, toService, toSlice } from './objects.js';
import { PodIndex, PodList } from './pod-index.js';
import { decodeNamespace, decodePod, decodeService, decodeSlice } from './proto-objects.js';
import type { ProtoReader } from './protobuf.js';

/** An index entry: what the index holds in place of the API object. */
export interface Entry {
  readonly name: string;
  readonly namespace?: string;
  readonly resourceVersion: string;
  readonly metadata: Entry;
}

/**
 * One kind of object the index is fed: where the API serves it, how it
 * becomes an entry, and how an entry goes in and out of the index. Watches
 * and manifests share these.
 */
export interface Resource {
  readonly kind: string;
  readonly path: string;
  readonly selector: LabelSelector | null;
  /** The API's fieldSelector for lists and watches (manifests: `convert` drops what it would). */
  readonly fieldSelector: string | null;
  convert(raw: RawObject, intern: Interner): Entry;
  /** Reads one object of the kind from a list in Protocol Buffers into its entry, as `convert` makes it from the JSON. */
  readonly decode: ProtoDecoder;
  set(index: ClusterIndex, entry: Entry): void;
  remove(index: ClusterIndex, namespace: string, name: string): void;
  /** What the index holds of this kind, for a relist to find what it dropped (a kind with `replace` needs none). */
  keys?(index: ClusterIndex): Iterable<{ readonly namespace?: string; readonly name: string }>;
  /** The resourceVersion the index holds for the object, when it keeps one: a write of the same version changes nothing. */
  version?(index: ClusterIndex, namespace: string, name: string): string | undefined;
  /**
   * For a kind the index keeps without its objects (pods: addresses and
   * namespaces, no names): a store a whole list is put into, then swapped
   * in. The informer then keeps no cache of the objects either (it needs
   * none to find what a relist dropped).
   */
  readonly replace?: (index: ClusterIndex) => { add(entry: Entry): void; commit(): void };
}

/** A kind's decoder from Protocol Buffers, into its entry. */
export type ProtoDecoder = (r: ProtoReader, end: number, intern: Interner) => Entry;

/** Each kind's decoder; slices' pod names (targetRef) read only for `podNames` (endpoint_pod_names). */
export function protoDecoders(podNames: boolean): Record<'Service' | 'EndpointSlice' | 'Namespace' | 'Pod', ProtoDecoder> {
  return {
    Service: (r, end, intern) => toService(decodeService(r, end), intern),
    EndpointSlice: (r, end, intern) => decodeSlice(r, end, intern, podNames),
    Namespace: (r, end) => toNamespace(decodeNamespace(r, end)),
    Pod: (r, end, intern) => toPod(decodePod(r, end), intern),
  };
}

/**
 * The resources a config needs: Services and Namespaces always,
 * EndpointSlices unless `noendpoints`, Pods only for `pods verified`.
 * `labels` filters all but Namespaces, which `namespace_labels` filters.
 */
export function resourcesFor(config: KubernetesConfig): Resource[] {
  const decoders = protoDecoders(config.endpointPodNames);
  const out: Resource[] = [
    {
      kind: 'Service',
      decode: decoders.Service,
      path: '/api/v1/services',
      selector: config.labels,
      fieldSelector: null,
      convert: toService,
      set: (index, e) => index.setService(e as ReturnType<typeof toService>),
      remove: (index, ns, name) => index.deleteService(ns, name),
      keys: (index) => index.allServices(),
      version: (index, ns, name) => index.service(name, ns)?.resourceVersion,
    },
  ];
  if (!config.noEndpoints) {
    out.push({
      kind: 'EndpointSlice',
      decode: decoders.EndpointSlice,
      path: '/apis/discovery.k8s.io/v1/endpointslices',
      selector: config.labels,
      fieldSelector: null,
      convert: (raw, intern) => toSlice(raw, intern, config.endpointPodNames),
      set: (index, e) => index.setSlice(e as ReturnType<typeof toSlice>),
      remove: (index, ns, name) => index.deleteSlice(ns, name),
      keys: (index) => index.everySlice(),
      version: (index, ns, name) => index.slice(ns, name)?.resourceVersion,
    });
  }
  out.push({
    kind: 'Namespace',
    decode: decoders.Namespace,
    path: '/api/v1/namespaces',
    selector: config.namespaceLabels,
    fieldSelector: null,
    convert: (raw) => toNamespace(raw),
    set: (index, e) => index.setNamespace(e as ReturnType<typeof toNamespace>),
    remove: (index, _ns, name) => index.deleteNamespace(name),
    // The index keeps a namespace's name alone (a second write of one changes nothing).
    keys: (index) => Array.from(index.allNamespaces(), (name) => ({ name })),
  });
  if (config.pods === 'verified') {
    out.push({
      kind: 'Pod',
      decode: decoders.Pod,
      path: '/api/v1/pods',
      selector: config.labels,
      // CoreDNS's: finished pods are not listed, and a watch sends DELETED for a pod that finishes.
      fieldSelector: FINISHED_POD_PHASES.map((phase) => `status.phase!=${phase}`).join(','),
      convert: toPod,
      set: (index, e) => index.setPod(e as ReturnType<typeof toPod>),
      remove: (index, ns, name) => index.deletePod(ns, name),
      replace: (index) => {
        const pods = new PodList();
        return {
          add: (e) => {
            const pod = e as ReturnType<typeof toPod>;
            pods.add(pod.namespace, pod.name, pod.ips);
          },
          commit: () => index.replacePods(PodIndex.of(pods)),
        };
      },
    });
  }
  return out;
}

/** Where the index's data comes from: the API (watches) or manifests. */
export interface Source {
  /** Starts feeding the index; returns at once. */
  start(): void;
  /** True once every resource has been loaded a first time. */
  readonly synced: boolean;
  /** Each resource's state, for the `clusterSync` capability (the dashboard). */
  syncStates(): ResourceSync[];
  stop(): Promise<void>;
}
