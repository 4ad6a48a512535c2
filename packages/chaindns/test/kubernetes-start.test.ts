import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { freePort } from '@chaindns/core/testing';
import { startChaindns, tempDir } from './harness.js';

// The binary with a kubernetes block that cannot start: it exits 1 and says where and why.
const dir = tempDir('chaindns-k8s-start-');
after(() => dir.remove());

test('kubernetes with no cluster, no kubeconfig, endpoint or manifests: the Corefile position and what serves outside a cluster', async (t) => {
  const port = await freePort();
  const empty = dir.file('empty.yaml');
  writeFileSync(empty, '# nothing here\n');
  const cases = [
    {
      name: 'in-cluster',
      block: ['    kubernetes cluster.local'],
      error: /Corefile:3: kubernetes: unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined; outside a cluster, use kubeconfig, endpoint or manifests\n/,
    },
    { name: 'manifests missing', block: ['    kubernetes cluster.local {', `        manifests ${dir.file('missing.yaml')}`, '    }'], error: /Corefile:4: kubernetes: manifests: \S+missing\.yaml: no such file or directory\n/ },
    { name: 'manifests empty', block: ['    kubernetes cluster.local {', `        manifests ${empty}`, '    }'], error: /Corefile:4: kubernetes: manifests: \S+empty\.yaml: no Kubernetes object in it\n/ },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const conf = dir.file('Corefile');
      writeFileSync(conf, [`cluster.local:${port} {`, '    bind 127.0.0.1', ...c.block, '}', ''].join('\n'));
      const failed = await startChaindns(['-conf', conf]).then(
        async (dns) => {
          await dns.stop();
          return assert.fail(`started:\n${dns.output()}`);
        },
        (err: Error) => err.message,
      );
      assert.match(failed, /^chaindns exited 1 before serving/);
      assert.match(failed, c.error);
    });
  }
});
