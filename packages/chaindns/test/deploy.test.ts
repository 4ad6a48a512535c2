import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Directive, parseCorefile, type ServerBlock } from '@chaindns/core';
import { checkCorefile, freePort, query, readmeCorefiles } from '@chaindns/core/testing';
import { parseAllDocuments } from 'yaml';
import { defaultRegistry } from '../src/index.js';

// deploy/: the Dockerfile, the image's default Corefile and the Kubernetes manifests. No Docker
// engine runs here, so the image is checked by reading the Dockerfile and laying out its final
// stage's files by hand; the manifests are parsed and cross-checked against each other.

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const deploy = join(repo, 'deploy');
const dir = mkdtempSync(join(tmpdir(), 'chaindns-deploy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const registry = defaultRegistry();
/** Every definition the distribution ships, loaded: checking a Corefile takes each one's parser. */
const definitions = await Promise.all(registry.names().map(async (n) => (await registry.load(n))!));

/** Every directive the distribution ships parses its part of `text`; the others are left alone. */
function checkShipped(text: string, file: string): void {
  checkCorefile(text, definitions, file);
}

// ---- The Dockerfile ----

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly name: string | undefined;
  readonly image: string;
  readonly body: Instruction[];
}
interface Copy {
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly dest: string;
}

/** Instructions by stage, continuation lines joined, comments dropped, global ARGs substituted into FROM. */
function parseDockerfile(text: string): Stage[] {
  const globals = new Map<string, string>();
  const stages: Stage[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (!pending && !line)) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const [op = '', ...rest] = `${pending}${line}`.trim().split(/\s+/);
    pending = '';
    const args = rest.join(' ');
    if (op.toUpperCase() === 'FROM') {
      const image = rest[0]!.replace(/\$\{(\w+)\}/g, (_, name: string) => globals.get(name) ?? '');
      stages.push({ name: rest[1]?.toLowerCase() === 'as' ? rest[2] : undefined, image, body: [] });
    } else if (op.toUpperCase() === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = args.split('=');
      globals.set(name, value);
    } else {
      stages.at(-1)!.body.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

function copies(stage: Stage): Copy[] {
  return stage.body.filter((i) => i.op === 'COPY').map((i) => {
    const words = i.args.split(' ');
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((w) => !w.startsWith('--'));
    return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
  });
}

const runs = (stage: Stage): string[] => stage.body.filter((i) => i.op === 'RUN').map((i) => i.args);
const json = (stage: Stage, op: string): unknown => JSON.parse(stage.body.findLast((i) => i.op === op)?.args ?? 'null');

/** Docker's .dockerignore: globs on context paths; a match on a folder drops what it holds; the last match wins. */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => {
    const negate = l.startsWith('!');
    const glob = (negate ? l.slice(1) : l).replace(/^\/+/, '');
    const source = glob.split(/(\*\*\/|\*\*|\*|\?)/).map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }).join('');
    return { negate, re: new RegExp(`^${source}$`) };
  });
  return (path) => {
    const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) if (prefixes.some((p) => rule.re.test(p))) ignored = !rule.negate;
    return ignored;
  };
}

const stages = parseDockerfile(readFileSync(join(deploy, 'Dockerfile'), 'utf8'));
const final = stages.at(-1)!;
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean);
const ignored = dockerignore(readFileSync(join(repo, '.dockerignore'), 'utf8'));
/** Where the build stages' outputs land here: /out/chaindns in the image is join(buildRoot, 'out/chaindns'). */
const buildRoot = join(dir, 'build');
/** The final stage's files, laid out from its COPYs. */
const image = join(dir, 'image');

/** A build stage's `node <script> --outdir <dir>` commands: the script as a context path, the dir in the image. */
function bundleCommands(stage: Stage): { script: string; outdir: string }[] {
  const workdir = stage.body.findLast((i) => i.op === 'WORKDIR')?.args ?? '/';
  return runs(stage).flatMap((r) => [...r.matchAll(/\bnode\s+(\S+\.mjs)\s+--outdir\s+(\S+)/g)]).map((m) => {
    const inImage = posix.resolve(workdir, m[1]!);
    const copy = copies(stage).find((c) => c.from === undefined && c.sources.length === 1 && inImage.startsWith(`${posix.resolve(workdir, c.dest)}/`));
    assert.ok(copy, `${inImage} is run by the ${stage.name} stage but none of its COPYs brings it in`);
    return { script: posix.join(copy.sources[0]!, posix.relative(posix.resolve(workdir, copy.dest), inImage)), outdir: m[2]! };
  });
}

before(async () => {
  for (const stage of stages.slice(0, -1)) {
    for (const { script, outdir } of bundleCommands(stage)) {
      await run(process.execPath, [join(repo, script), '--outdir', join(buildRoot, outdir)], { cwd: repo });
    }
  }
  for (const c of copies(final)) {
    for (const source of c.sources) {
      const from = c.from === undefined ? join(repo, source) : join(buildRoot, source);
      if (c.from !== undefined && !producedByBuild(source)) continue; // a file of the base image
      cpSync(from, join(image, c.dest), { recursive: true });
    }
  }
});

function producedByBuild(path: string): boolean {
  return stages.slice(0, -1).some((s) => bundleCommands(s).some((b) => path === b.outdir || path.startsWith(`${b.outdir}/`)));
}

test('the image builds in stages on official Node.js images', () => {
  assert.ok(stages.length >= 2, 'a build stage and a final stage');
  for (const s of stages) assert.match(s.image, /^node:\d+(\.\d+)*-[a-z]+(-slim)?$/, `${s.image} is an official Node.js image`);
  assert.match(final.image, /-slim$/, 'the final stage is the slim image');
  const build = runs(stages[0]!).join('\n');
  for (const step of [/\bnpm ci\b/, /\btsc -b\b/, /udp-native/, /bundle\.mjs/]) assert.match(build, step);
});

test('every COPY from the build context is in the repository and not dropped by .dockerignore', () => {
  for (const stage of stages) {
    for (const c of copies(stage).filter((c) => c.from === undefined)) {
      for (const source of c.sources) {
        const files = tracked.filter((f) => f === source || f.startsWith(`${source}/`));
        assert.ok(files.length > 0, `COPY ${source}: nothing tracked there`);
        assert.deepEqual(files.filter(ignored), [], `COPY ${source}: .dockerignore drops these`);
      }
    }
  }
  // The host's installs and builds stay out: npm ci starts clean and the addon is compiled for the image.
  for (const path of ['node_modules/esbuild/package.json', 'packages/core/dist/src/index.js', 'packages/udp-native/build/Release/udp_native.node', '.git/HEAD']) {
    assert.ok(ignored(path), `${path} is kept out of the build context`);
  }
});

test('every COPY --from a build stage takes what that stage made', () => {
  const fromBuild = stages.flatMap((s) => copies(s)).filter((c) => c.from !== undefined);
  assert.ok(fromBuild.length > 0);
  for (const c of fromBuild) {
    const stage = stages.find((s) => s.name === c.from);
    assert.ok(stage, `COPY --from=${c.from}: no such stage`);
    for (const source of c.sources) {
      if (producedByBuild(source)) {
        assert.ok(readdirSync(join(buildRoot, source)).includes('chaindns.cjs'), `${source} holds the bundle`);
      } else {
        // The only other file taken is the base image's node, given the capability to bind port 53.
        assert.equal(source, '/usr/local/bin/node', `COPY --from=${c.from} ${source}: no command of that stage makes it`);
        assert.ok(runs(stage).some((r) => /\bsetcap cap_net_bind_service=\+ep \/usr\/local\/bin\/node$/.test(r)), 'node may bind port 53 without root');
      }
    }
  }
});

test('the final stage runs as a non-root user and exposes DNS, metrics, health and ready', () => {
  const user = final.body.findLast((i) => i.op === 'USER')?.args;
  assert.ok(user, 'the final stage sets USER');
  const [name = ''] = user.split(':');
  assert.ok(!['root', '0'].includes(name), `USER ${user} is root`);
  if (/^\d+$/.test(name)) assert.match(runs(final).join('\n'), new RegExp(`--uid ${name}\\b`), 'the uid has a passwd entry');
  const exposed = final.body.filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(' ')).map((p) => (p.includes('/') ? p : `${p}/tcp`));
  assert.deepEqual(new Set(exposed), new Set(['53/udp', '53/tcp', '9153/tcp', '8080/tcp', '8181/tcp']));
});

/** A stage's ENV instructions (`ENV KEY=value KEY2=value2`), as the container's environment gets them. */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.body.filter((b) => b.op === 'ENV')) {
    for (const pair of i.args.split(' ')) {
      const at = pair.indexOf('=');
      assert.ok(at > 0, `ENV ${i.args}: KEY=value pairs only`);
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  }
  return env;
}

/** Starts argv as the container would run it, with image paths under `image` and the image's ENV, until the banner. */
async function startAsContainer(argv: readonly string[]): Promise<ChildProcess> {
  const [exe, ...rest] = argv.map((a) => (a.startsWith('/') ? join(image, a) : a));
  assert.equal(exe, 'node');
  // The container's environment is the image's: not a test pass's NODE_OPTIONS preload or CHAINDNS_UDP.
  const { NODE_OPTIONS: _preload, CHAINDNS_UDP: _forced, ...host } = process.env;
  const child = spawn(process.execPath, rest, { cwd: image, env: { ...host, ...envOf(final) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/, udp \S+\n/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return child;
}

test("ENTRYPOINT and CMD take CoreDNS's arguments, and serve when run directly", async () => {
  const entrypoint = json(final, 'ENTRYPOINT');
  const cmd = json(final, 'CMD');
  assert.deepEqual(entrypoint, ['node', '--max-semi-space-size=2', '--no-sparkplug', '/chaindns/chaindns.cjs']);
  assert.deepEqual(cmd, ['-conf', '/etc/coredns/Corefile']);
  // The test's own Corefile where a Deployment mounts one; the port comes from -dns.port.
  writeFileSync(join(image, 'etc/coredns/Corefile'), '. {\n    bind 127.0.0.1\n    whoami\n}\n');
  const port = await freePort();
  const child = await startAsContainer([...(entrypoint as string[]), ...(cmd as string[]), '-dns.port', String(port)]);
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      const reply = await query(port, 'whoami.example.org', 'A', { transport });
      assert.equal(reply.rcode, 0);
      assert.ok(reply.packet.additionals?.some((r) => r.type === 'SRV' && r.name === `_${transport}.whoami.example.org`));
    }
  } finally {
    const code = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await code, 0, 'SIGTERM (the kubelet stopping the pod) exits 0');
  }
});

test("the image's default Corefile parses, and uses only directives the bundle ships", async (t) => {
  const text = readFileSync(join(deploy, 'Corefile'), 'utf8');
  const corefile = parseCorefile(text, { file: 'deploy/Corefile', defaultPort: 53 });
  checkShipped(text, 'deploy/Corefile');
  assert.deepEqual(corefile.blocks.map((b) => b.keys.map((k) => `${k.zone}:${k.port}`)), [['.:53']], 'a port-less key, so -dns.port moves it');
  const shipped = (await run(process.execPath, [join(image, 'chaindns/chaindns.cjs'), '-plugins'])).stdout.trim().split('\n');
  const missing = corefile.blocks.flatMap((b) => b.directives.map((d) => d.name)).filter((d) => !shipped.includes(d));
  if (missing.length > 0) t.todo(`the distribution does not ship ${missing.join(', ')} yet`);
  assert.deepEqual(missing, []);
});

// ---- The Kubernetes manifests ----

type Labels = Record<string, string>;
interface Probe {
  readonly httpGet?: { readonly host?: string; readonly path: string; readonly port: number };
  readonly exec?: { readonly command: string[] };
}
interface Container {
  readonly name: string;
  readonly image: string;
  readonly args?: string[];
  readonly command?: string[];
  readonly ports?: { readonly containerPort: number; readonly protocol?: string; readonly name?: string }[];
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly resources?: { readonly limits?: Labels; readonly requests?: Labels };
  readonly volumeMounts?: { readonly name: string; readonly mountPath: string }[];
  readonly securityContext?: {
    readonly runAsNonRoot?: boolean;
    readonly runAsUser?: number;
    readonly allowPrivilegeEscalation?: boolean;
    readonly readOnlyRootFilesystem?: boolean;
    readonly capabilities?: { readonly add?: string[]; readonly drop?: string[] };
  };
}
interface PodSpec {
  readonly containers: Container[];
  readonly initContainers?: Container[];
  readonly hostNetwork?: boolean;
  readonly dnsPolicy?: string;
  readonly priorityClassName?: string;
  readonly serviceAccountName?: string;
  readonly topologySpreadConstraints?: { readonly maxSkew: number; readonly topologyKey: string; readonly whenUnsatisfiable: string; readonly labelSelector: { readonly matchLabels: Labels } }[];
  readonly affinity?: {
    readonly podAntiAffinity?: {
      readonly preferredDuringSchedulingIgnoredDuringExecution?: {
        readonly podAffinityTerm: { readonly topologyKey: string; readonly labelSelector: { readonly matchExpressions: { key: string; operator: string; values: string[] }[] } };
      }[];
    };
  };
  readonly volumes?: { readonly name: string; readonly configMap?: { readonly name: string; readonly items?: { key: string; path: string }[] }; readonly emptyDir?: object }[];
}
interface Manifest {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Labels; readonly annotations?: Labels };
  readonly spec?: {
    readonly selector?: Labels & { readonly matchLabels?: Labels };
    readonly template?: { readonly metadata: { readonly labels: Labels; readonly annotations?: Labels }; readonly spec: PodSpec };
    readonly clusterIP?: string;
    readonly ports?: { readonly port: number; readonly protocol?: string }[];
    readonly strategy?: unknown;
    readonly updateStrategy?: unknown;
    readonly replicas?: number;
    readonly maxUnavailable?: number | string;
  };
  readonly data?: Labels;
  readonly rules?: { readonly apiGroups: string[]; readonly resources: string[]; readonly verbs: string[] }[];
  readonly roleRef?: { readonly kind: string; readonly name: string };
  readonly subjects?: { readonly kind: string; readonly name: string; readonly namespace: string }[];
}

function loadManifests(folder: string): Manifest[] {
  return readdirSync(folder).filter((f) => f.endsWith('.yaml')).flatMap((f) => {
    const docs = parseAllDocuments(readFileSync(join(folder, f), 'utf8'));
    assert.ok(Array.isArray(docs), `${f}: no documents`);
    return docs.map((doc) => {
      assert.deepEqual(doc.errors, [], `${f}: YAML errors`);
      return { file: f, ...(doc.toJS() as Omit<Manifest, 'file'>) };
    });
  });
}

const cluster = loadManifests(join(deploy, 'kubernetes'));
const nodelocal = loadManifests(join(deploy, 'kubernetes/nodelocal'));

function find(set: readonly Manifest[], kind: string, name: string): Manifest {
  const found = set.find((m) => m.kind === kind && m.metadata.name === name);
  assert.ok(found, `no ${kind} ${name}`);
  return found;
}

const pod = (m: Manifest): PodSpec => m.spec!.template!.spec;
const port = (c: Container, protocol: string, name: string) => c.ports?.find((p) => p.name === name && (p.protocol ?? 'TCP') === protocol)?.containerPort;
const directive = (block: ServerBlock, name: string): Directive | undefined => block.directives.find((d) => d.name === name);
const words = (d: Directive | undefined): string[] => d?.args.map((a) => a.text) ?? [];
const listenPort = (d: Directive | undefined, fallback: number): number => Number(/:(\d+)$/.exec(words(d)[0] ?? '')?.[1] ?? fallback);

/** The ConfigMap's Corefile, parsed, each directive the distribution ships checked by its plugin. */
function corefileOf(set: readonly Manifest[], name: string): ServerBlock[] {
  const text = find(set, 'ConfigMap', name).data?.Corefile;
  assert.ok(text, `ConfigMap ${name} holds a Corefile`);
  checkShipped(text, `ConfigMap ${name}`);
  return [...parseCorefile(text, { file: `ConfigMap ${name}` }).blocks];
}

/**
 * Memory as bench/footprint.js measured it (deploy/README.md, "Memory"): the request covers a
 * small cluster's (or a node-local cache's) working set under load, the limit the largest measured
 * with headroom. Not CoreDNS's 70Mi and 170Mi.
 */
const MEMORY: Readonly<Record<string, { readonly request: string; readonly limit: string }>> = {
  coredns: { request: '80Mi', limit: '140Mi' },
  'node-local-dns': { request: '64Mi', limit: '128Mi' },
};

/** The DNS container: the image's arguments, its config mounted where -conf reads it, non-root, its memory as measured. */
function checkDnsContainer(m: Manifest, configMap: string): Container {
  const spec = pod(m);
  const c = spec.containers[0]!;
  const cmd = json(final, 'CMD') as string[];
  assert.deepEqual(c.args?.slice(0, cmd.length), cmd, "the image's CMD: CoreDNS's args (and the flags after them)");
  assert.match(c.image, /^chaindns:\d+\.\d+\.\d+$/);
  const mount = c.volumeMounts?.find((v) => v.mountPath === posix.dirname(c.args![1]!));
  assert.ok(mount, 'the Corefile directory is mounted');
  const volume = spec.volumes?.find((v) => v.name === mount.name);
  assert.equal(volume?.configMap?.name, configMap);
  assert.deepEqual(volume.configMap.items, [{ key: 'Corefile', path: posix.basename(c.args![1]!) }]);
  assert.equal(port(c, 'UDP', 'dns'), 53);
  assert.equal(port(c, 'TCP', 'dns-tcp'), 53);
  const sc = c.securityContext;
  assert.equal(sc?.runAsNonRoot, true);
  assert.notEqual(sc.runAsUser, 0);
  assert.equal(sc.allowPrivilegeEscalation, false);
  assert.equal(sc.readOnlyRootFilesystem, true);
  assert.deepEqual(sc.capabilities, { add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
  assert.equal(spec.dnsPolicy, 'Default', 'resolves through the node, never through itself');
  assert.ok(c.resources?.requests?.cpu, 'requests cpu');
  assert.deepEqual({ request: c.resources.requests.memory, limit: c.resources.limits?.memory }, MEMORY[configMap]);
  for (const [k, v] of Object.entries(m.spec!.selector!.matchLabels!)) assert.equal(m.spec!.template!.metadata.labels[k], v, 'the selector selects the pods');
  return c;
}

test('every manifest parses and names its kind, version and name', () => {
  for (const m of [...cluster, ...nodelocal]) {
    assert.ok(m.apiVersion && m.kind && m.metadata.name, `${m.file}: apiVersion, kind, metadata.name`);
    if (!m.kind.startsWith('Cluster')) assert.equal(m.metadata.namespace, 'kube-system', `${m.file}: ${m.kind} in kube-system`);
  }
  const kinds = cluster.map((m) => m.kind).sort();
  // CoreDNS's objects, and the dns-autoscaler's.
  assert.deepEqual(kinds, ['ClusterRole', 'ClusterRole', 'ClusterRoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'ConfigMap', 'Deployment', 'Deployment', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'ServiceAccount']);
});

test('RBAC: list and watch on services, endpointslices, namespaces and pods, bound to the pods\' account', () => {
  const role = find(cluster, 'ClusterRole', 'system:coredns');
  const granted = role.rules!.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g || 'core'}/${res}:${v}`)))).sort();
  const expected = ['core/services', 'core/namespaces', 'core/pods', 'discovery.k8s.io/endpointslices'].flatMap((r) => [`${r}:list`, `${r}:watch`]).sort();
  assert.deepEqual(granted, expected, 'read-only, and nothing more');
  const binding = find(cluster, 'ClusterRoleBinding', 'system:coredns');
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
  const account = find(cluster, 'ServiceAccount', pod(find(cluster, 'Deployment', 'coredns')).serviceAccountName!);
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
});

test("the Deployment runs CoreDNS's Kubernetes Corefile with its probes, ports, resources and spread", () => {
  const deployment = find(cluster, 'Deployment', 'coredns');
  const c = checkDnsContainer(deployment, 'coredns');
  assert.equal(c.name, 'coredns', 'kubectl set image deployment/coredns coredns=... finds it');
  const [block, ...others] = corefileOf(cluster, 'coredns');
  assert.equal(others.length, 0);
  assert.deepEqual(block!.keys.map((k) => `${k.zone}:${k.port}`), ['.:53']);
  assert.deepEqual(block!.directives.map((d) => d.name), ['errors', 'health', 'ready', 'kubernetes', 'prometheus', 'forward', 'cache', 'loop', 'reload', 'loadbalance']);
  assert.deepEqual(words(directive(block!, 'kubernetes')), ['cluster.local', 'in-addr.arpa', 'ip6.arpa']);
  assert.deepEqual(directive(block!, 'health')!.block!.map((d) => [d.name, ...words(d)]), [['lameduck', '5s']]);
  // A new pod first, then an old one leaves, lameducking while kube-proxy drops its endpoint.
  assert.deepEqual(deployment.spec?.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  assert.deepEqual(words(directive(block!, 'forward')), ['.', '/etc/resolv.conf']);
  // The probes and ports are where the Corefile's plugins listen (health :8080, ready :8181 by default).
  assert.deepEqual(c.livenessProbe?.httpGet, { path: '/health', port: listenPort(directive(block!, 'health'), 8080), scheme: 'HTTP' });
  assert.deepEqual(c.readinessProbe?.httpGet, { path: '/ready', port: listenPort(directive(block!, 'ready'), 8181), scheme: 'HTTP' });
  assert.equal(port(c, 'TCP', 'metrics'), listenPort(directive(block!, 'prometheus'), 9153));
  const spec = pod(deployment);
  assert.equal(spec.priorityClassName, 'system-cluster-critical');
  const spread = spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm;
  assert.equal(spread?.topologyKey, 'kubernetes.io/hostname');
  assert.deepEqual(spread.labelSelector.matchExpressions, [{ key: 'k8s-app', operator: 'In', values: [deployment.spec!.template!.metadata.labels['k8s-app']] }]);
});

test("either Corefile a cluster may run in the coredns ConfigMap listens where the Deployment probes and Prometheus scrapes", () => {
  const example = readFileSync(join(repo, 'Corefile.example'), 'utf8');
  checkShipped(example, 'Corefile.example');
  const corefiles = [
    { file: 'deploy/kubernetes/configmap.yaml', block: corefileOf(cluster, 'coredns')[0]! },
    { file: 'Corefile.example', block: parseCorefile(example, { file: 'Corefile.example', env: {} }).blocks[0]! },
  ];
  const deployment = find(cluster, 'Deployment', 'coredns');
  const c = pod(deployment).containers[0]!;
  const service = find(cluster, 'Service', 'kube-dns');
  const scraped = [deployment.spec!.template!.metadata.annotations?.['prometheus.io/port'], service.metadata.annotations?.['prometheus.io/port']];
  for (const { file, block } of corefiles) {
    // Without an address, each plugin listens on its default port (CoreDNS's: 8080, 8181, 9153).
    assert.equal(listenPort(directive(block, 'health'), 8080), c.livenessProbe?.httpGet?.port, `${file}: health where the liveness probe looks`);
    assert.equal(listenPort(directive(block, 'ready'), 8181), c.readinessProbe?.httpGet?.port, `${file}: ready where the readiness probe looks`);
    const metrics = listenPort(directive(block, 'prometheus'), 9153);
    assert.equal(metrics, port(c, 'TCP', 'metrics'), `${file}: prometheus on the container's metrics port`);
    assert.deepEqual(scraped, [String(metrics), String(metrics)], `${file}: prometheus where the pods' and the Service's prometheus.io/port point`);
    assert.ok(service.spec?.ports?.some((p) => p.port === metrics), `${file}: the Service's metrics port`);
  }
});

test('the kube-dns Service sits at 10.96.0.10 in front of the Deployment', () => {
  const service = find(cluster, 'Service', 'kube-dns');
  assert.equal(service.spec?.clusterIP, '10.96.0.10');
  assert.deepEqual(service.spec.ports?.map((p) => `${p.port}/${p.protocol}`), ['53/UDP', '53/TCP', '9153/TCP']);
  const labels = find(cluster, 'Deployment', 'coredns').spec!.template!.metadata.labels;
  for (const [k, v] of Object.entries(service.spec.selector!)) assert.equal(labels[k], v, 'the Service selects the DNS pods');
});

test('the node-local cache listens on 169.254.20.10 and sends cluster names to the cluster DNS over TCP', () => {
  const daemonset = find(nodelocal, 'DaemonSet', 'node-local-dns');
  const c = checkDnsContainer(daemonset, 'node-local-dns');
  const spec = pod(daemonset);
  assert.equal(spec.hostNetwork, true);
  const clusterDns = find(cluster, 'Service', 'kube-dns').spec!.clusterIP!;
  const blocks = corefileOf(nodelocal, 'node-local-dns');
  assert.deepEqual(blocks.map((b) => b.keys.map((k) => `${k.zone}:${k.port}`).join()), ['cluster.local.:53', 'in-addr.arpa.:53', 'ip6.arpa.:53', '.:53']);
  for (const block of blocks) {
    const zone = block.keys[0]!.zone;
    assert.deepEqual(words(directive(block, 'bind')), ['169.254.20.10'], `${zone} listens on the link-local address only`);
    assert.ok(directive(block, 'cache'), `${zone} is cached`);
    const forward = directive(block, 'forward');
    if (zone === '.') {
      assert.deepEqual(words(forward), ['.', '/etc/resolv.conf']);
    } else {
      assert.deepEqual(words(forward), ['.', clusterDns], `${zone} goes to the kube-dns Service`);
      assert.deepEqual(forward!.block?.map((d) => d.name), ['force_tcp']);
    }
    assert.equal(listenPort(directive(block, 'prometheus'), 9153), port(c, 'TCP', 'metrics'));
  }
  assert.deepEqual(words(directive(blocks[0]!, 'health')), ['169.254.20.10:8080']);
  assert.deepEqual(c.livenessProbe?.httpGet, { host: '169.254.20.10', path: '/health', port: 8080 });
  // Something must put the address on the node before the cache binds it.
  const setup = spec.initContainers?.map((i) => [...(i.command ?? []), ...(i.args ?? [])].join(' ')).join('\n') ?? '';
  assert.match(setup, /ip addr add 169\.254\.20\.10\/32 dev \w+/);
  const metrics = find(nodelocal, 'Service', 'node-local-dns');
  assert.equal(metrics.spec?.clusterIP, 'None');
  assert.deepEqual(metrics.spec.ports?.map((p) => p.port), [port(c, 'TCP', 'metrics')]);
});

test('the node-local cache updates with no gap: the new pod beside the old (maxSurge), ready once this process listens (its pid file)', () => {
  const daemonset = find(nodelocal, 'DaemonSet', 'node-local-dns');
  assert.deepEqual(daemonset.spec?.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  const c = checkDnsContainer(daemonset, 'node-local-dns');
  const args = c.args ?? [];
  const pidfile = args[args.indexOf('-pidfile') + 1];
  assert.ok(args.includes('-pidfile') && pidfile, 'the binary writes a pid file once it listens');
  assert.deepEqual(c.readinessProbe?.exec?.command, ['test', '-s', pidfile], 'an HTTP probe on the node could be answered by the old pod');
  const mount = c.volumeMounts?.find((m) => pidfile.startsWith(`${m.mountPath}/`));
  assert.ok(mount, 'the pid file is on a volume (the root filesystem is read-only)');
  const volume = pod(daemonset).volumes?.find((v) => v.name === mount.name);
  assert.ok(volume?.emptyDir, 'an emptyDir');
});

test("the README's Corefiles parse, each directive the distribution ships checked by its plugin", () => {
  const examples = readmeCorefiles(join(deploy, 'README.md'));
  assert.ok(examples.length > 0);
  examples.forEach((text, i) => checkShipped(text, `deploy/README.md example ${i + 1}`));
});

// ---- Past one machine: the autoscaler, the disruption budget, the spread ----

/** The kube-dns-autoscaler's linear parameters (Kubernetes' DNS horizontal autoscaling add-on). */
const LINEAR = { coresPerReplica: 256, nodesPerReplica: 16, preventSinglePointFailure: true, includeUnschedulableNodes: true };

/** The cluster-proportional-autoscaler's linear mode. */
function linearReplicas(p: typeof LINEAR, nodes: number, cores: number): number {
  const replicas = Math.max(Math.ceil(cores / p.coresPerReplica), Math.ceil(nodes / p.nodesPerReplica));
  return p.preventSinglePointFailure && nodes > 1 ? Math.max(2, replicas) : replicas;
}

test("the dns-autoscaler sets the coredns Deployment's replicas in linear mode with the kube-dns-autoscaler's parameters", () => {
  const autoscaler = find(cluster, 'Deployment', 'dns-autoscaler');
  const coredns = find(cluster, 'Deployment', 'coredns');
  assert.equal(coredns.spec?.replicas, undefined, 'the autoscaler owns the count: kubectl apply must not reset it');
  const c = pod(autoscaler).containers[0]!;
  assert.match(c.image, /^registry\.k8s\.io\/cpa\/cluster-proportional-autoscaler:v\d+\.\d+\.\d+$/);
  const flags = new Map(c.command!.slice(1).map((f) => f.split('=') as [string, string]));
  assert.equal(flags.get('--target'), `Deployment/${coredns.metadata.name}`);
  assert.equal(flags.get('--namespace'), coredns.metadata.namespace);
  assert.equal(flags.has('--default-params'), false, 'the ConfigMap alone holds the parameters');
  const params = find(cluster, 'ConfigMap', flags.get('--configmap')!);
  assert.deepEqual(JSON.parse(params.data!.linear!), LINEAR);
  const role = find(cluster, 'ClusterRole', 'system:dns-autoscaler');
  const granted = role.rules!.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g || 'core'}/${res}:${v}`)))).sort();
  assert.deepEqual(granted, ['apps/deployments/scale:get', 'apps/deployments/scale:update', 'core/configmaps:get', 'core/nodes:list', 'core/nodes:watch']);
  const binding = find(cluster, 'ClusterRoleBinding', 'system:dns-autoscaler');
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
  const account = find(cluster, 'ServiceAccount', pod(autoscaler).serviceAccountName!);
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
});

test("deploy/README.md's replica and memory table is the autoscaler's formula times the Deployment's memory", () => {
  const readme = readFileSync(join(deploy, 'README.md'), 'utf8');
  const params = JSON.parse(find(cluster, 'ConfigMap', 'dns-autoscaler').data!.linear!) as typeof LINEAR;
  const rows = [...readme.matchAll(/^\| ([\d,]+) \| ([\d,]+) \| (\d+) \| ([\d,]+)Mi \| ([\d,]+)Mi \|/gm)].map((m) => m.slice(1, 6).map((v) => Number(v.replace(/,/g, ''))));
  assert.deepEqual(rows.map((r) => r[0]), [100, 1000, 5000]);
  const mi = (q: string): number => Number(/^(\d+)Mi$/.exec(q)![1]);
  const { request, limit } = MEMORY.coredns!;
  for (const [nodes, cores, replicas, requested, limited] of rows) {
    assert.equal(replicas, linearReplicas(params, nodes!, cores!), `${nodes} nodes`);
    assert.deepEqual([requested, limited], [replicas! * mi(request), replicas! * mi(limit)], `${nodes} nodes: memory`);
  }
});

test('a disruption budget lets one DNS pod go at a time, and the replicas spread over zones and nodes', () => {
  const coredns = find(cluster, 'Deployment', 'coredns');
  const labels = coredns.spec!.template!.metadata.labels;
  const pdb = find(cluster, 'PodDisruptionBudget', 'coredns');
  assert.equal(pdb.spec?.maxUnavailable, 1);
  assert.deepEqual(pdb.spec.selector?.matchLabels, coredns.spec!.selector!.matchLabels);
  // Preferences, as CoreDNS's Deployments (deployment.yaml says why not requirements).
  const spread = pod(coredns).topologySpreadConstraints ?? [];
  assert.deepEqual(spread.map((s) => [s.topologyKey, s.maxSkew, s.whenUnsatisfiable]), [
    ['topology.kubernetes.io/zone', 1, 'ScheduleAnyway'],
    ['kubernetes.io/hostname', 1, 'ScheduleAnyway'],
  ]);
  for (const s of spread) for (const [k, v] of Object.entries(s.labelSelector.matchLabels)) assert.equal(labels[k], v, `${s.topologyKey}: counts the DNS pods`);
});
