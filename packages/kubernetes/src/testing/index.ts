export { FakeApiServer, startFakeApiServer, type FakeApiServerOptions, type RecordedRequest } from './fake-apiserver.js';
export { endpointSlice, namespace, pod, service, type EndpointSpec, type PodOptions, type PortSpec, type ServiceSpec, type SliceSpec } from './fixtures.js';
export { readProtoList } from './protobuf.js';
