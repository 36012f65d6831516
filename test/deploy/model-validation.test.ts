/**
 * In-cluster model validation on the real control plane, with the operator's ModelValidation CRD
 * installed (test/control-plane/crds/): the rendered resource is accepted by the API server's
 * schema validation (strict: an unknown field is refused), the pods the Deployment makes carry the
 * operator's label and mount the model image, and the init container the operator would inject
 * (upstream's `model_signing verify`, real, from PyPI) passes on the built image's files with the
 * same policy, and fails on a tampered copy.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deploy } from '../../src/deploy/deploy.js';
import type { KubernetesObject } from '../../src/deploy/render-input.js';
import { MODEL_VALIDATION_LABEL, TRUST_MOUNT_PATH } from '../../src/deploy/render-model-validation.js';
import type { Pool } from '../../src/environments/catalog-schema.js';
import { scratchImage } from '../../src/image/base-image.js';
import { buildImage, type BuiltImage } from '../../src/image/build.js';
import { OciLayoutSink } from '../../src/oci/layout-sink.js';
import { inClusterPolicy } from '../../src/signing/in-cluster-policy.js';
import type { PolicyRequirement } from '../../src/signing/policy-sources.js';
import { verifyModel, type VerifiedModel } from '../../src/signing/verify-model.js';
import { tool } from '../image/image-fixtures.js';
import { EXAMPLE_PUBLIC_KEY } from '../e2e/helpers.js';
import {
  deployFailure,
  deployInput,
  EXAMPLE,
  render,
  startWorld,
  testPool,
  type DeployWorld,
} from './deploy-fixtures.js';
import { runInitContainer, type ModelValidationSpec } from './model-validation-webhook.js';

const MOUNT = '/var/run/model-promote/image';
const KEYS = join(import.meta.dirname, '../fixtures/oms/model-transparency/keys/certificate');
const CERTIFICATE_MODEL = join(import.meta.dirname, '../fixtures/oms/model-transparency/v1.1.0-certificate');

let world: DeployWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.close();
});

interface Promoted {
  readonly verified: VerifiedModel;
  readonly built: BuiltImage;
  readonly layout: string;
  readonly objects: KubernetesObject[];
}

/** Verify, build (with the signature layer) and render, as the pipeline does. */
async function promote(
  name: string,
  directory: string,
  requirements: PolicyRequirement[],
  pool: Pool,
): Promise<Promoted> {
  const verified = await verifyModel(
    { directory, signaturePath: join(directory, 'model.sig'), signatureName: 'model.sig' },
    requirements,
  );
  const layout = join(world.dir, `image-${name}`);
  const built = await buildImage(
    {
      files: verified.files,
      directory,
      pool,
      base: scratchImage({ os: 'linux', architecture: 'amd64' }),
      model: { name: 'sentiment', version: '1', digest: verified.digest },
      tags: ['1'],
      signature: verified.signatureFile,
    },
    await OciLayoutSink.open(layout),
  );
  const image = {
    version: '1',
    reference: `oci-layout:${layout}@${built.manifestDigest}`,
    digest: built.manifestDigest,
    modelDigest: verified.digest,
  };
  const policy = inClusterPolicy(verified.signature, requirements);
  const objects = render(pool, image, `mv-${name}`, {
    modelValidation: { policy, signaturePath: built.plan.signaturePath! },
  });
  return { verified, built, layout, objects };
}

/** The image's filesystem, as an image volume shows it to the pod: unpacked by umoci. */
async function unpack(promoted: Promoted, name: string): Promise<string> {
  const bundle = join(world.dir, `bundle-${name}`);
  await tool('umoci', ['unpack', '--rootless', '--image', `${promoted.layout}:1`, bundle]);
  return join(bundle, 'rootfs');
}

/** The trust ConfigMap's data as the folder the pods mount it at. */
async function trustFolder(objects: KubernetesObject[], name: string): Promise<string> {
  const trust = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.includes('-trust-'));
  const dir = join(world.dir, `trust-${name}`);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries((trust?.data ?? {}) as Record<string, string>)) {
    await writeFile(join(dir, file), text);
  }
  return dir;
}

const modelValidation = (objects: KubernetesObject[]) =>
  objects.find((o) => o.kind === 'ModelValidation') as KubernetesObject & { spec: ModelValidationSpec };

/** A dry-run create with strict field validation: an unknown field is an error, not dropped. */
async function strictCreate(object: unknown) {
  const o = object as KubernetesObject;
  const path =
    `/apis/ml.sigstore.dev/v1alpha1/namespaces/${o.metadata.namespace}/modelvalidations` +
    '?fieldValidation=Strict&dryRun=All';
  return world.admin.request('POST', path, JSON.stringify(object), { 'Content-Type': 'application/json' });
}

describe('the key method, deployed', () => {
  let ns: string;
  let promoted: Promoted;
  let rootfs: string;
  let mounts: Map<string, string>;
  beforeAll(async () => {
    ns = await world.namespace('mv-key');
    const requirements: PolicyRequirement[] = [
      {
        source: 'inputs',
        alternatives: [{ method: 'key', publicKeys: [await readFile(EXAMPLE_PUBLIC_KEY, 'utf8')] }],
      },
    ];
    const pool = testPool(ns, { modelValidation: { enabled: true } });
    promoted = await promote('key', join(EXAMPLE, '1'), requirements, pool);
    rootfs = await unpack(promoted, 'key');
    mounts = new Map([
      [MOUNT, rootfs],
      [TRUST_MOUNT_PATH, await trustFolder(promoted.objects, 'key')],
    ]);
  });

  it('applies the ModelValidation before the Deployment, whose pods carry its name and mount the image', async () => {
    // The objects are the ones promote() rendered for the pool with modelValidation.
    const input = deployInput(world, testPool(ns), world.v1, {
      objects: promoted.objects,
      image: {
        reference: `oci-layout:${promoted.layout}@${promoted.built.manifestDigest}`,
        digest: promoted.built.manifestDigest,
      },
      model: { name: 'sentiment', version: '1', digest: promoted.verified.digest },
    });
    const report = await deploy(input);
    const mv = modelValidation(promoted.objects);
    expect(report.applied.slice(0, 4)).toEqual([
      expect.stringMatching(/^ConfigMap\/sentiment-production-/),
      expect.stringMatching(/^ConfigMap\/sentiment-production-trust-/),
      `ModelValidation/${mv.metadata.name}`,
      'Deployment/sentiment-production',
    ]);
    // The API server kept what was rendered: the schema took every field.
    const live = await world.admin.read(mv as never);
    expect(live?.spec).toEqual(mv.spec);

    const pods = await world.list('Pod', ns);
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) {
      expect(pod.metadata.labels?.[MODEL_VALIDATION_LABEL]).toBe(mv.metadata.name);
      const spec = pod.spec as { volumes?: Array<{ name: string; image?: { reference?: string } }> };
      // Kept by the API server: the image volume is a field it knows (ImageVolume is on).
      expect(spec.volumes?.find((v) => v.name === 'model-image')?.image?.reference).toBe(
        `oci-layout:${promoted.layout}@${promoted.built.manifestDigest}`,
      );
    }
  });

  it("the operator's init container passes on the image's files with the same policy", async () => {
    // The image carries the signature that was verified, byte for byte.
    expect(await readFile(join(rootfs, 'models', 'model.sig'))).toEqual(
      await readFile(join(EXAMPLE, '1', 'model.sig')),
    );
    const run = await runInitContainer(modelValidation(promoted.objects).spec, mounts);
    expect(run.args.slice(0, 3)).toEqual(['verify', 'key', `--signature=${rootfs}/models/model.sig`]);
    expect(run).toMatchObject({ code: 0, output: expect.stringContaining('Verification succeeded') });
  });

  it('fails on a tampered copy of the image files', async () => {
    const copy = join(world.dir, 'tampered-key');
    await cp(rootfs, copy, { recursive: true });
    const weights = join(copy, 'models', 'weights.safetensors');
    const bytes = await readFile(weights);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    await writeFile(weights, bytes);
    const run = await runInitContainer(
      modelValidation(promoted.objects).spec,
      new Map([...mounts, [MOUNT, copy]]),
    );
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Verification failed');
    await rm(copy, { recursive: true, force: true });
  });
});

describe('a failed rollout with validation', () => {
  it('rolls back: the ModelValidation and the trust ConfigMap it created are gone, v1 runs as before', async () => {
    const ns = await world.namespace('mv-rollback');
    await deploy(deployInput(world, testPool(ns), world.v1));
    const requirements: PolicyRequirement[] = [
      {
        source: 'inputs',
        alternatives: [{ method: 'key', publicKeys: [await readFile(EXAMPLE_PUBLIC_KEY, 'utf8')] }],
      },
    ];
    const promoted = await promote(
      'rollback',
      join(EXAMPLE, '1'),
      requirements,
      testPool(ns, { modelValidation: { enabled: true } }),
    );
    const reference = `oci-layout:${promoted.layout}@${promoted.built.manifestDigest}`;
    await world.setFault(
      ns,
      { image: reference },
      { kind: 'crash-loop', message: 'model validation failed' },
    );
    const error = await deployFailure(
      deploy(
        deployInput(world, testPool(ns), world.v1, {
          objects: promoted.objects,
          image: { reference, digest: promoted.built.manifestDigest },
          model: { name: 'sentiment', version: '1', digest: promoted.verified.digest },
        }),
      ),
    );
    await world.setFault(ns, { image: reference }, undefined);
    expect(error.message).toMatch(/rolled back/);
    const mv = modelValidation(promoted.objects);
    expect(await world.admin.read(mv as never)).toBeUndefined();
    const configMaps = (await world.list('ConfigMap', ns)).map((c) => c.metadata.name);
    expect(configMaps.some((name) => name.includes('-trust-'))).toBe(false);
    // Pods of the failed version may still be terminating: the running ones are what counts.
    const pods = (await world.list('Pod', ns)).filter(
      (p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp,
    );
    expect(pods.every((p) => p.metadata.labels?.[MODEL_VALIDATION_LABEL] === undefined)).toBe(true);
    const images = new Set(
      pods.map((p) => (p.spec as { containers: Array<{ image: string }> }).containers[0]?.image),
    );
    expect([...images]).toEqual([world.v1.reference]);
  });
});

describe('the certificate method (upstream model_signing 1.1.0 signature)', () => {
  let ns: string;
  let promoted: Promoted;
  let mounts: Map<string, string>;
  beforeAll(async () => {
    ns = await world.namespace('mv-cert');
    const anchors = [await readFile(join(KEYS, 'ca-cert.pem'), 'utf8')];
    const requirements: PolicyRequirement[] = [
      { source: 'inputs', alternatives: [{ method: 'certificate', anchors }] },
    ];
    promoted = await promote(
      'cert',
      CERTIFICATE_MODEL,
      requirements,
      testPool(ns, { modelValidation: { enabled: true } }),
    );
    mounts = new Map([
      [MOUNT, await unpack(promoted, 'cert')],
      [TRUST_MOUNT_PATH, await trustFolder(promoted.objects, 'cert')],
    ]);
  });

  it('the API server accepts the trust ConfigMap and the ModelValidation as rendered', async () => {
    for (const object of promoted.objects.filter(
      (o) => o.kind !== 'Deployment' && o.kind !== 'Service' && o.kind !== 'HorizontalPodAutoscaler',
    )) {
      await world.admin.apply(object);
    }
    const mv = modelValidation(promoted.objects);
    expect((await world.admin.read(mv as never))?.spec).toEqual(mv.spec);
    expect(mv.spec.config).toEqual({
      pkiConfig: { certificateAuthority: `${TRUST_MOUNT_PATH}/anchors.pem` },
    });
  });

  it("the operator's init container passes on the image's files, and fails on a tampered copy", async () => {
    const spec = modelValidation(promoted.objects).spec;
    expect(await runInitContainer(spec, mounts)).toMatchObject({ code: 0 });
    const copy = join(world.dir, 'tampered-cert');
    await cp(mounts.get(MOUNT)!, copy, { recursive: true });
    await writeFile(join(copy, 'models', 'signme-2'), 'not what was signed\n');
    const run = await runInitContainer(spec, new Map([...mounts, [MOUNT, copy]]));
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Verification failed');
  });
});

describe("the operator's schema, for real", () => {
  let ns: string;
  let rendered: KubernetesObject;
  beforeAll(async () => {
    ns = await world.namespace('mv-schema');
    const pool = testPool(ns, { modelValidation: { enabled: true } });
    rendered = modelValidation(
      render(pool, world.v1, 'mv-schema', {
        modelValidation: {
          policy: {
            method: 'keyless',
            identity: 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main',
            issuer: 'https://token.actions.githubusercontent.com',
          },
          signaturePath: '/models/model.sig',
        },
      }),
    );
  });

  it('takes the keyless ModelValidation with strict field validation', async () => {
    const res = await strictCreate(rendered);
    expect({ status: res.status, body: res.status < 300 ? '' : res.body }).toEqual({ status: 201, body: '' });
  });

  it('refuses a field the operator does not know, and a missing signature path', async () => {
    const spec = (rendered as unknown as { spec: ModelValidationSpec }).spec;
    const unknown = await strictCreate({
      ...rendered,
      spec: { ...spec, config: { sigstoreConfig: { identity: 'x', issuer: 'y' } } },
    });
    expect(unknown.status).toBe(400);
    expect(messageOf(unknown.body)).toMatch(/unknown field "spec\.config\.sigstoreConfig\.identity"/);
    const missing = await strictCreate({ ...rendered, spec: { ...spec, model: { path: '/m' } } });
    expect(missing.status).toBe(422);
    expect(messageOf(missing.body)).toMatch(/spec\.model\.signaturePath: Required value/);
  });
});

const messageOf = (body: string) => (JSON.parse(body) as { message?: string }).message ?? body;
