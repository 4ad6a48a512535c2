import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRequest } from '@chaindns/core/testing';
import { kubernetesMetadata } from '../src/metadata.js';
import { namespace, pod } from '../src/testing/index.js';
import { buildIndex } from './cluster.js';

const index = buildIndex([namespace('default'), namespace('team'), pod('team', 'web-0', ['10.244.1.5', 'fd00::5'])]);

const LABELS = ['client-namespace', 'kind', 'namespace', 'service', 'endpoint', 'port-name', 'protocol', 'parse-error'];

/** Every kubernetes/ label for `name` asked from `address`, the unset ones left out. */
function labels(name: string, address: string, pods: 'verified' | 'insecure' = 'verified'): Record<string, string> {
  const provider = kubernetesMetadata({ zones: ['cluster.local.'], pods, index });
  const req = makeRequest(name, 'A', { remote: { address, port: 5353, family: address.includes(':') ? 6 : 4 } });
  const out: Record<string, string> = {};
  for (const label of LABELS) {
    const value = provider.metadata(req, `kubernetes/${label}`);
    if (value !== undefined) out[label] = value;
  }
  return out;
}

test("CoreDNS's kubernetes metadata: the client pod's namespace and the parts of the name", () => {
  const parts = (kind: string, namespace: string, service = '', endpoint = '', port = '', protocol = ''): Record<string, string> => ({ kind, namespace, service, endpoint, 'port-name': port, protocol });
  const cases: [string, string, Record<string, string>][] = [
    ['nginx.default.svc.cluster.local.', '10.244.1.5', { 'client-namespace': 'team', ...parts('svc', 'default', 'nginx') }],
    ['nginx.default.svc.cluster.local.', 'fd00::5', { 'client-namespace': 'team', ...parts('svc', 'default', 'nginx') }],
    ['nginx.default.svc.cluster.local.', '10.0.0.1', parts('svc', 'default', 'nginx')],
    ['_http._tcp.nginx.default.svc.cluster.local.', '10.0.0.1', parts('svc', 'default', 'nginx', '', 'http', 'tcp')],
    ['web-0.nginx.team.svc.cluster.local.', '10.0.0.1', parts('svc', 'team', 'nginx', 'web-0')],
    ['10-244-1-5.team.pod.cluster.local.', '10.0.0.1', parts('pod', 'team', '10-244-1-5')],
    ['default.svc.cluster.local.', '10.0.0.1', parts('svc', 'default')],
    // The apex: every part set, empty, as CoreDNS does.
    ['svc.cluster.local.', '10.0.0.1', parts('', '')],
    ['cluster.local.', '10.0.0.1', parts('', '')],
    // No Kubernetes name: only the parse error.
    ['www.example.cluster.local.', '10.0.0.1', { 'parse-error': 'invalid query name' }],
    ['a.b.c.nginx.default.svc.cluster.local.', '10.244.1.5', { 'client-namespace': 'team', 'parse-error': 'invalid query name' }],
    // Outside the zones: the client's namespace only.
    ['www.example.org.', '10.244.1.5', { 'client-namespace': 'team' }],
    ['www.example.org.', '10.0.0.1', {}],
  ];
  for (const [name, address, want] of cases) assert.deepEqual(labels(name, address), want, `${name} from ${address}`);
  // The client's pod is known with `pods verified` only, as CoreDNS requires.
  assert.deepEqual(labels('www.example.org.', '10.244.1.5', 'insecure'), {});
  // Other plugins' labels are not the kubernetes plugin's.
  assert.equal(kubernetesMetadata({ zones: ['cluster.local.'], pods: 'verified', index }).metadata(makeRequest('a.', 'A'), 'view/name'), undefined);
});
