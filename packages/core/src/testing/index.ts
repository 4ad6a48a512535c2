export { decodeReply, exchangeTcp, exchangeUdp, query, type QueryOptions, type Reply } from './client.js';
export { assertCase, type Case } from './cases.js';
export { present } from './present.js';
export { A, AAAA, CNAME, MX, NS, PTR, rr, SOA, SRV, TXT } from './records.js';
export { endOfChain, makeRequest, Recorder, serveWith } from './recorder.js';
export { checkCorefile, readmeCorefiles } from './readme.js';
export { freePort } from './free-port.js';
export { startTestServer, type TestServer, type TestServerOptions } from './test-server.js';
export { startTestUpstream, type TestUpstream, type UpstreamHandler } from './upstream.js';
