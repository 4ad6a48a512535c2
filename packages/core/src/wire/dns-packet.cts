// dns-packet (CommonJS), required rather than imported: Node's ESM loader would scan its 44 KB for
// export names, hot enough to start V8's optimizing compiler at start (about 7 MB of RSS; see
// ../prom-client.cts). Imported as the default export of this file.
import dnsPacket = require('dns-packet');

export = dnsPacket;
