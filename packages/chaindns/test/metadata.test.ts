import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { freePort } from '@chaindns/core/testing';
import { type Chaindns, eventually, repoRoot, startChaindns, tempDir } from './harness.js';

// metadata across plugins, in the real binary: kubernetes (pods verified) knows a client pod at
// 127.0.0.5 in the namespace `team`; view picks a block by that metadata; template prints it with
// .Meta and log with {/label}. dig asks from 127.0.0.5 (the pod) and from 127.0.0.1 (no pod).

const dir = tempDir('chaindns-metadata-');
let dns: Chaindns;
let port: number;

before(async () => {
  writeFileSync(dir.file('client.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: team-client\n  namespace: team\nstatus:\n  phase: Running\n  podIP: 127.0.0.5\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n');
  port = await freePort();
  const k8s = `kubernetes cluster.local {\n        manifests ${join(repoRoot, 'examples/cluster.yaml')} ${dir.file('client.yaml')}\n        pods verified\n    }`;
  const log = `log . "{remote} {name} view={/view/name} client={/kubernetes/client-namespace} service={/kubernetes/service} kind={/kubernetes/kind}"`;
  writeFileSync(
    dir.file('Corefile'),
    `.:${port} {
    bind 127.0.0.1
    metadata
    view team {
        expr metadata('kubernetes/client-namespace') == 'team'
    }
    ${log}
    template IN TXT example.org {
        answer "{{ .Name }} 60 IN TXT \\"team {{ .Meta \\"kubernetes/client-namespace\\" }} {{ .Meta \\"view/name\\" }}\\""
    }
    ${k8s}
}

.:${port} {
    bind 127.0.0.1
    metadata
    ${log}
    template IN TXT example.org {
        answer "{{ .Name }} 60 IN TXT \\"other {{ .Meta \\"kubernetes/client-namespace\\" }}\\""
    }
    ${k8s}
}
`,
  );
  dns = await startChaindns(['-conf', dir.file('Corefile')]);
});
after(async () => {
  await dns?.stop();
  dir.remove();
});

async function dig(source: string, name: string, type: string): Promise<string> {
  const { stdout } = await promisify(execFile)('dig', ['@127.0.0.1', '-p', String(port), '-b', source, '+short', '+tries=1', '+time=2', name, type]);
  return stdout.trim();
}

test("a pod's namespace (kubernetes metadata) picks its view, and template and log print the metadata", async () => {
  assert.equal(await dig('127.0.0.5', 'www.example.org', 'TXT'), '"team team team"');
  assert.equal(await dig('127.0.0.1', 'www.example.org', 'TXT'), '"other "');
  assert.equal(await dig('127.0.0.5', 'nginx.default.svc.cluster.local', 'A'), '10.109.102.230');
  await eventually(() => {
    const out = dns.output();
    assert.match(out, /\[INFO\] 127\.0\.0\.5 www\.example\.org\. view=team client=team service=- kind=-/);
    assert.match(out, /\[INFO\] 127\.0\.0\.1 www\.example\.org\. view=- client=- service=- kind=-/);
    assert.match(out, /\[INFO\] 127\.0\.0\.5 nginx\.default\.svc\.cluster\.local\. view=team client=team service=nginx kind=svc/);
  });
});
