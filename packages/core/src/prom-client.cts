// prom-client's metric classes and registry, for core and every plugin (re-exported by the index).
// prom-client is CommonJS, and two things make `import ... from 'prom-client'` cost memory at start
// (bench/README.md, "Footprint"):
// - Node's ESM loader scans an imported CommonJS file for its export names; on a file of some size
//   that scan runs hot enough for V8 to start its optimizing compiler, about 7 MB of RSS in a
//   process that has not answered a query yet. A CommonJS file's own require() scans nothing.
// - prom-client's index also loads its push gateway (http, https), its cluster aggregator, its
//   default metrics and the OpenTelemetry API: 10 MB of RSS beside the 0.3 MB of these four.
// The module paths are not prom-client's public API, so package.json pins its exact version.
import type * as PromClient from 'prom-client';

export = {
  Counter: require('prom-client/lib/counter') as typeof PromClient.Counter,
  Gauge: require('prom-client/lib/gauge') as typeof PromClient.Gauge,
  Histogram: require('prom-client/lib/histogram') as typeof PromClient.Histogram,
  Registry: require('prom-client/lib/registry') as typeof PromClient.Registry,
};
