/**
 * The rendered manifests of a real promotion: every object in all.yaml valid against the
 * Kubernetes schemas (kubernetes-models), the Deployment pinned by the built digest, and the
 * per-object files equal to all.yaml.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import {
  copyExampleRegistry,
  EXAMPLE_CATALOG,
  EXAMPLE_PUBLIC_KEY,
  EXAMPLES,
  listFiles,
  promoteArgs,
  readJson,
  runCli,
  TempDirs,
} from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are read back as plain YAML data */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

const temp = new TempDirs();
let registry: string;

beforeAll(async () => {
  registry = await copyExampleRegistry(await temp.make());
});
afterAll(() => temp.cleanup());

const cases = [
  { name: 'champion -> gpu-a100-80g', version: 'champion', pool: 'gpu-a100-80g', replicas: 2, gpus: '1' },
  { name: 'v1 -> gpu-l4-24g', version: '1', pool: 'gpu-l4-24g', replicas: 2, gpus: '1' },
];

describe.each(cases)('manifests of $name', ({ version, pool, replicas, gpus }) => {
  let record: any;
  let dir: string;
  let objects: any[];

  beforeAll(async () => {
    const output = path.join(await temp.make(), 'out');
    const run = await runCli(promoteArgs({ registry, output, version }));
    if (run.code !== 0) throw new Error(`promotion failed: ${run.stderr}`);
    record = await readJson(path.join(output, 'promotion.json'));
    dir = path.join(output, 'manifests');
    const documents = parseAllDocuments(await readFile(path.join(dir, 'all.yaml'), 'utf8'));
    for (const document of documents) expect(document.errors).toEqual([]);
    objects = documents.map((document) => document.toJS());
  });

  it('all.yaml holds the objects the record names, each valid for Kubernetes', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(record.manifests.objects);
    expect(objects.map((o) => o.kind)).toEqual([
      'ConfigMap',
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
    ]);
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(Model).toBeDefined();
      expect(() => new Model!(object).validate()).not.toThrow();
      expect(object.metadata.namespace).toBe('models-prod');
    }
  });

  it('each object also has a file of its own, equal to its document in all.yaml', async () => {
    const files = (await listFiles(dir)).filter((f) => f !== 'all.yaml');
    expect(files).toHaveLength(objects.length);
    for (const [i, file] of files.entries()) {
      expect(file).toMatch(new RegExp(`^0${i + 1}-${objects[i].kind.toLowerCase()}-`));
      expect(parseYaml(await readFile(path.join(dir, file), 'utf8'))).toEqual(objects[i]);
    }
  });

  it('the Deployment runs the built image by digest, on the chosen pool', () => {
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe(record.image.reference);
    expect(container.image.endsWith(`@${record.image.digest}`)).toBe(true);
    expect(deployment.spec.replicas).toBe(replicas);
    expect(container.resources.limits['nvidia.com/gpu']).toBe(gpus);
    expect(deployment.spec.template.spec.nodeSelector['cloud.google.com/gke-accelerator']).toBeDefined();
    expect(deployment.metadata.labels['model-promote.dev/pool']).toBe(pool);
    expect(deployment.metadata.annotations['model-promote.dev/model-digest']).toBe(record.model.digest);
    expect(deployment.metadata.annotations['model-promote.dev/image-digest']).toBe(record.image.digest);
    expect(deployment.metadata.annotations['model-promote.dev/promotion-id']).toBe(record.promotionId);
  });

  it('every label value is valid for Kubernetes (63 characters, allowed characters)', () => {
    const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
    for (const object of objects) {
      for (const value of Object.values<string>(object.metadata.labels ?? {})) {
        expect(value.length).toBeLessThanOrEqual(63);
        expect(value).toMatch(labelValue);
      }
    }
  });
});

describe('a pool that asks for in-cluster model validation', () => {
  let objects: any[];
  let output: string;

  beforeAll(async () => {
    // The example catalog with modelValidation on the pool champion goes to, beside its keys/.
    const dir = await temp.make();
    const catalog = parseYaml(await readFile(EXAMPLE_CATALOG, 'utf8'));
    const pool = catalog.environments.production.pools.find((p: any) => p.name === 'gpu-a100-80g');
    pool.modelValidation = { enabled: true };
    await writeFile(path.join(dir, 'catalog.yaml'), stringify(catalog));
    await cp(path.join(EXAMPLES, 'keys'), path.join(dir, 'keys'), { recursive: true });
    output = path.join(dir, 'out');
    const run = await runCli(promoteArgs({ registry, output, catalog: path.join(dir, 'catalog.yaml') }));
    if (run.code !== 0) throw new Error(`promotion failed: ${run.stderr}`);
    const documents = parseAllDocuments(await readFile(path.join(output, 'manifests', 'all.yaml'), 'utf8'));
    objects = documents.map((document) => document.toJS());
  });

  it('renders the trust ConfigMap and the ModelValidation with the key that admitted the model', async () => {
    expect(objects.map((o) => o.kind)).toEqual([
      'ConfigMap',
      'ConfigMap',
      'ModelValidation',
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
    ]);
    expect(objects[1].data).toEqual({ 'key.pub': await readFile(EXAMPLE_PUBLIC_KEY, 'utf8') });
    expect(objects[2].spec).toEqual({
      model: {
        path: '/var/run/model-promote/image/models',
        signaturePath: '/var/run/model-promote/image/models/model.sig',
      },
      config: { privateKeyConfig: { keyPath: '/var/run/model-promote/model-trust/key.pub' } },
    });
    const template = objects[3].spec.template;
    expect(template.metadata.labels['validation.ml.sigstore.dev/ml']).toBe(objects[2].metadata.name);
    expect(template.spec.volumes).toContainEqual({
      name: 'model-image',
      image: { reference: template.spec.containers[0].image, pullPolicy: 'IfNotPresent' },
    });
  });

  it('builds the image with the signature as its last layer', async () => {
    const record = await readJson<any>(path.join(output, 'promotion.json'));
    const layout = path.join(output, 'image');
    const manifest = await readJson<any>(
      path.join(layout, 'blobs', 'sha256', record.image.digest.slice('sha256:'.length)),
    );
    const last = manifest.layers.at(-1).digest.slice('sha256:'.length);
    const tarText = (await readFile(path.join(layout, 'blobs', 'sha256', last))).toString('latin1');
    expect(tarText).toContain('models/model.sig');
    expect(manifest.layers).toHaveLength(record.image.layers.length + 1);
  });
});
