import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

// Every Kubernetes manifest under deploy/ against the Kubernetes API's OpenAPI schema, offline:
// kubernetes-models compiles the schema of each kind into a validator (types, required fields,
// formats, enums). It does not reject unknown fields (the API's schema allows them; the API
// server drops them), so deploy.test.ts pins the fields that matter by value.

const deploy = fileURLToPath(new URL('../../../../deploy/', import.meta.url));

interface Doc {
  readonly file: string;
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly metadata?: { readonly name?: string } };
}

function manifests(folder: string): Doc[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .flatMap((e) => {
      const path = join(e.parentPath, e.name);
      const file = relative(deploy, path);
      return parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => {
        assert.deepEqual(doc.errors, [], `${file}: YAML errors`);
        return { file, object: doc.toJS() as Doc['object'] };
      });
    });
}

type Model = new (data: object) => { validate(): void };

/** The kubernetes-models class of an object's apiVersion and kind: `v1` is the core group. */
async function model(apiVersion: string, kind: string): Promise<Model> {
  const group = (await import(`kubernetes-models/${apiVersion}`)) as Record<string, Model | undefined>;
  const found = group[kind];
  assert.ok(found, `no ${kind} in ${apiVersion}`);
  return found;
}

/** The schema's complaint about an object, or undefined when it conforms. */
async function complaint(doc: Doc): Promise<string | undefined> {
  const { apiVersion, kind } = doc.object;
  assert.ok(apiVersion && kind, `${doc.file}: apiVersion and kind`);
  try {
    new (await model(apiVersion, kind))(doc.object).validate();
    return undefined;
  } catch (e) {
    return `${doc.file}: ${kind} ${doc.object.metadata?.name}: ${(e as Error).message}`;
  }
}

const docs = manifests(deploy);

test('every manifest under deploy/ conforms to the Kubernetes API schema of its kind', async () => {
  assert.ok(docs.length >= 15, `${docs.length} manifests found`);
  const complaints = (await Promise.all(docs.map(complaint))).filter((c) => c !== undefined);
  assert.deepEqual(complaints, []);
});

test('the schema check rejects a manifest with a field of the wrong type or a required field missing', async () => {
  const original = docs.find((d) => d.object.kind === 'Deployment' && d.object.metadata?.name === 'coredns');
  assert.ok(original);
  const broken = (edit: (o: any) => void): Doc => {
    const object = structuredClone(original.object);
    edit(object);
    return { file: original.file, object };
  };
  assert.match((await complaint(broken((o) => (o.spec.template.spec.containers[0].ports[0].containerPort = '53'))))!, /containerPort must be integer/);
  assert.match((await complaint(broken((o) => delete o.spec.selector)))!, /spec must have required property selector/);
  assert.match((await complaint(broken((o) => (o.spec.template.spec.topologySpreadConstraints[0].maxSkew = 'one'))))!, /maxSkew must be integer/);
});
