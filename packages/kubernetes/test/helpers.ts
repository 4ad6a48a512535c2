import { type AnyPluginDefinition, definePlugin, reply } from '@chaindns/core';
import { eventually as poll, startTestServer, type TestServer } from '@chaindns/core/testing';
import { kubernetes, type RawObject } from '../src/index.js';
import { type FakeApiServer, type FakeApiServerOptions, startFakeApiServer } from '../src/testing/index.js';

/** Answers follow an API change within a second (the issue's bound), unless `ms` says otherwise. */
export const eventually = (check: () => unknown, ms = 1000): Promise<number> => poll(check, ms);

/** A plugin for tests only: answers every A question with 192.0.2.1 (an upstream stand-in). */
export const staticAnswer = definePlugin<null>({
  name: 'static_answer',
  parse: () => null,
  setup: () => ({
    name: 'static_answer',
    serveDNS(req, w) {
      w.write(reply(req, { answers: req.qtype === 1 ? [{ name: req.qnameRaw, type: 'A', ttl: 60, class: 'IN', data: '192.0.2.1' }] : [] }));
      return 0;
    },
  }),
});

export interface Cluster {
  readonly api: FakeApiServer;
  readonly dns: TestServer;
  stop(): Promise<void>;
}

/**
 * A stand-in API server holding `objects`, and a chaindns server whose
 * kubernetes plugin watches it (`options` are extra lines of its block).
 */
export async function startCluster(
  objects: readonly RawObject[],
  options: { lines?: readonly string[]; zones?: string; key?: string; api?: FakeApiServerOptions; plugins?: readonly AnyPluginDefinition[]; tail?: string } = {},
): Promise<Cluster> {
  const api = await startFakeApiServer({ bookmarkIntervalMs: 200, ...options.api });
  api.apply(...objects);
  const lines = [`endpoint ${api.url}`, ...(options.lines ?? [])];
  const corefile = `${options.key ?? 'cluster.local in-addr.arpa'} {\n kubernetes ${options.zones ?? ''} {\n${lines.map((l) => `  ${l}\n`).join('')} }\n${options.tail ?? ''}}`;
  const dns = await startTestServer(corefile, { plugins: options.plugins ?? [kubernetes] });
  return {
    api,
    dns,
    stop: async () => {
      await dns.stop();
      await api.stop();
    },
  };
}
