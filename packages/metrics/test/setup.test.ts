import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { prometheus, type PrometheusConfig } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('prometheus setup', async (t) => {
  const cases: { corefile: string; want?: PrometheusConfig; error?: RegExp }[] = [
    { corefile: '. {\n prometheus\n}', want: { address: { host: 'localhost', port: 9153 } } },
    { corefile: '. {\n prometheus localhost:9253\n}', want: { address: { host: 'localhost', port: 9253 } } },
    { corefile: '. {\n prometheus :9153\n}', want: { address: { host: '', port: 9153 } } },
    { corefile: '. {\n prometheus 0.0.0.0:9153\n}', want: { address: { host: '0.0.0.0', port: 9153 } } },
    { corefile: '. {\n prometheus [::1]:9153\n}', want: { address: { host: '::1', port: 9153 } } },
    { corefile: '. {\n prometheus 127.0.0.1:0\n}', want: { address: { host: '127.0.0.1', port: 0 } } },
    { corefile: '. {\n prometheus Metrics.Example.org:9153\n}', want: { address: { host: 'metrics.example.org', port: 9153 } } },
    { corefile: '. {\n prometheus localhost\n}', error: /^CorefileError: Corefile:2: prometheus: address "localhost" has no port: expected \[HOST\]:PORT/ },
    { corefile: '. {\n prometheus ::1:9153\n}', error: /Corefile:2: prometheus: address "::1:9153" has too many colons/ },
    { corefile: '. {\n prometheus [127.0.0.1]:9153\n}', error: /Corefile:2: prometheus: address "\[127\.0\.0\.1\]:9153" has "127\.0\.0\.1" in brackets, which is not an IPv6 address/ },
    { corefile: '. {\n prometheus localhost:65536\n}', error: /Corefile:2: prometheus: address "localhost:65536" has port "65536", which is not a number from 0 to 65535/ },
    { corefile: '. {\n prometheus localhost:http\n}', error: /Corefile:2: .*has port "http"/ },
    { corefile: '. {\n prometheus bad_host!:9153\n}', error: /Corefile:2: .*has "bad_host!", which is not an IP address or a host name/ },
    { corefile: '. {\n prometheus :9153 :9154\n}', error: /Corefile:2: prometheus: expected 0 to 1 arguments, got 2/ },
    { corefile: '. {\n prometheus {\n  tls /etc/coredns/web-config.yml\n }\n}', error: /Corefile:3: prometheus: "tls": serving \/metrics over TLS is not supported/ },
    { corefile: '. {\n prometheus {\n  runtime_metrics\n }\n}', error: /Corefile:3: prometheus: "runtime_metrics": Go runtime metrics do not exist/ },
    { corefile: '. {\n prometheus :9153 {\n  path /m\n }\n}', error: /Corefile:3: prometheus: unknown property "path"; prometheus takes no block/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), () => {
      const d = parseCorefile(c.corefile).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => prometheus.parse(d, ctx), c.error);
      else assert.deepEqual(prometheus.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [prometheus]);
});
