/**
 * The apply: build and push the image, attach the signature to it, render the manifests, deploy.
 * And the preview a dry run shows instead: the same build into a sink that keeps nothing (the
 * build is deterministic, so the digest is the one a real run will push), the same manifests,
 * and the cluster's server-side dry run compared with what runs now.
 */
import path from 'node:path';
// The cluster modules (and @kubernetes/client-node, most of the bundle) are imported when a
// promotion reaches a cluster: one that renders manifests only never loads them.
import type { DeployInput, DeployReport } from './deploy/deploy.js';
import { renderManifests } from './deploy/render.js';
import type { KubernetesObject as RenderedObject } from './deploy/render-input.js';
import { loadUserManifests } from './deploy/user-manifests.js';
import { writeManifests } from './deploy/write-manifests.js';
import { buildImage, type BuildHooks } from './image/build.js';
import { buildWithContainerfile } from './image/builder.js';
import { layoutTarget, type ImageTarget } from './image/image-target.js';
import { LayerKeyCache } from './image/layer-key-cache.js';
import { DigestOnlySink } from './oci/digest-sink.js';
import { isLoopback } from './oci/remote/reference.js';
import { attachReferrer, SIGSTORE_BUNDLE_TYPE, type ReferrerArtifact } from './oci/remote/referrers.js';
import { attestStage, type AppliedObjects } from './promotion-attest.js';
import type { PromotionContext, PromotionPlan } from './promotion-plan.js';
import { byteProgress, streamProgress } from './progress.js';
import { DownloadCache } from './registry/download-cache.js';
import type { PromotionRecord } from './report/promotion-record.js';
import { type PushStats, RegistrySink } from './oci/remote/registry-sink.js';
import {
  buildBytes,
  contentCheck,
  readSmallFile,
  signatureBytes,
  type ModelSource,
} from './promotion-stream.js';

/** The image as built: where it is, by digest. */
interface BuiltRef {
  readonly digest: string;
  readonly reference: string;
  /** The model layers, when the daemonless builder made them. */
  readonly modelLayers?: readonly { readonly digest: string; readonly size: number }[];
  /** Model layers the sink already had (found by layer key), neither read nor sent. */
  readonly reusedLayers?: number;
  /** The signature's layer, when the daemonless builder made it. */
  readonly signatureLayer?: { readonly digest: string; readonly size: number };
  /** What the push to a registry did, blob by blob. */
  readonly push?: PushStats;
}

export async function applyPromotion(
  context: PromotionContext,
  plan: PromotionPlan,
  staging: string,
): Promise<void> {
  const { cwd, output, record } = context;
  const layoutPath = displayPath(cwd, output.artifactPath('image'));
  const target = plan.target ?? layoutTarget(path.join(staging, 'image'), layoutPath);
  const built = await buildStage(context, plan, target);
  record.image = { ...imageRecord(plan, built), ...(!plan.target && { layoutPath }) };

  if (plan.target) {
    const attached = await context.stages.run(
      'attest',
      () => attachSignature(plan, built),
      (d) => `signature attached to ${built.reference} as ${d.digest}`,
    );
    record.attestations = { signature: attached.digest };
  }

  const objects = await context.stages.run(
    'manifests',
    async () => {
      const objects = render(context, plan, built);
      await writeManifests(path.join(staging, 'manifests'), objects);
      return objects;
    },
    (objects) => objects.map((o) => o.kind).join(', '),
  );
  record.manifests = {
    path: displayPath(cwd, output.artifactPath('manifests')),
    objects: objects.map((o) => `${o.kind}/${o.metadata.name}`),
  };

  // The cluster may read the image from the output folder (the test cluster does): move it there first.
  await output.commit(staging);
  const userObjects = plan.cluster ? await deployStage(context, plan, built, objects) : [];
  const signer = context.options.attestation;
  if (signer) await attestStage(context, plan, built, { rendered: objects, user: userObjects }, signer);
}

/**
 * `dry-run`: the exact image digest, and what the cluster would change. Changes nothing outside
 * this machine and writes no image; the rendered manifests go to `staging`, for review.
 */
export async function previewPromotion(
  context: PromotionContext,
  plan: PromotionPlan,
  staging: string,
): Promise<string[]> {
  const { stages, record, cwd, output } = context;
  if (plan.choice.pool.builder) {
    stages.skip(
      'build',
      `${plan.choice.pool.builder.kind} builds at apply time: its digest is known only then`,
    );
    return [];
  }
  const target =
    plan.target ?? layoutTarget(output.artifactPath('image'), displayPath(cwd, output.artifactPath('image')));
  const built = await stages.run(
    'build',
    async () => {
      const image = await buildImage(
        { ...plan.imageInput, ...buildBytes(plan.source) },
        new DigestOnlySink(),
        {
          check: contentCheck(plan.verified.manifest, plan.source),
        },
      );
      return { digest: image.manifestDigest, reference: target.reference(image.manifestDigest) };
    },
    (b) => `would be ${b.reference} (dry run: nothing written)`,
  );
  record.image = imageRecord(plan, built);
  const objects = await stages.run(
    'manifests',
    async () => {
      const objects = render(context, plan, built);
      await writeManifests(path.join(staging, 'manifests'), objects);
      return objects;
    },
    (objects) => `${objects.map((o) => o.kind).join(', ')} (dry run: written for review, not applied)`,
  );
  record.manifests = {
    path: displayPath(cwd, output.artifactPath('manifests')),
    objects: objects.map((o) => `${o.kind}/${o.metadata.name}`),
  };
  // Attested after the deploy, as a real run would be: the skip comes last in the record.
  const skipAttestation = () =>
    context.options.attestation && stages.skip('attestation', 'dry run: nothing deployed, nothing to attest');
  if (!plan.cluster) {
    skipAttestation();
    return [];
  }
  const cluster = plan.cluster;
  const [{ deployOne }, { diffText, overwriteLines }] = await Promise.all([
    import('./deploy/deploy.js'),
    import('./deploy/apply-diff.js'),
  ]);
  const preview = await stages.run(
    'deploy',
    async () =>
      (await deployOne({ ...(await deployInput(context, plan, built, objects)), ...cluster, dryRun: true }))
        .result,
    (r) => {
      const taken = overwriteLines(r.diff ?? []).length;
      return `${r.diff?.length ?? 0} object(s) would change in ${r.cluster}/${r.namespace} (server-side dry run)${taken ? `; it overwrites ${taken} field(s) another field manager owns now` : ''}`;
    },
  );
  record.deploy = [reportOnly(preview)];
  skipAttestation();
  return preview.diff ? [diffText(preview.diff)] : [];
}

async function buildStage(
  context: PromotionContext,
  plan: PromotionPlan,
  target: ImageTarget,
): Promise<BuiltRef> {
  const { options, stages, inputs } = context;
  const builder = plan.choice.pool.builder;
  const check = contentCheck(plan.verified.manifest, plan.source);
  return stages.run(
    'build',
    async (): Promise<BuiltRef> => {
      if (builder && plan.target) {
        if (plan.source.kind !== 'folder') {
          throw new Error('a Containerfile build reads a folder: the fetch should not have streamed');
        }
        const { registry, repository } = plan.target;
        const credential = await plan.clients.credential(registry);
        const result = await buildWithContainerfile(
          { ...plan.imageInput, directory: plan.source.directory, steps: builder.steps, check },
          builder.kind,
          {
            registry,
            repository,
            insecure: inputs.insecureRegistry || isLoopback(registry),
            ...(credential.username &&
              credential.password && {
                credential: { username: credential.username, password: credential.password },
              }),
          },
          options.logger,
        );
        return { digest: result.digest, reference: result.reference };
      }
      const progress = byteProgress(options.logger, 'build', plan.image.modelBytes + plan.image.base.bytes);
      const sink = await target.open();
      // Streamed, the build is the verification: say how much is verified and sent, layer by layer.
      const streamed =
        plan.source.kind === 'stream'
          ? streamProgress(options.logger, 'stream', plan.image.layers, {
              sends: sink instanceof RegistrySink,
            })
          : undefined;
      const sent = () => (sink instanceof RegistrySink ? sink.stats.bytesUploaded : 0);
      let image;
      try {
        image = await buildImage(
          { ...plan.imageInput, ...buildBytes(plan.source, plan.target?.registry) },
          sink,
          {
            logger: options.logger,
            check: streamed
              ? async (file, size) => {
                  streamed.started(file);
                  const inner = await check(file, size);
                  return {
                    update: (chunk) => {
                      inner.update(chunk);
                      streamed.verified(file, chunk.byteLength);
                      streamed.sent(sent());
                    },
                    finish: () => inner.finish(),
                  };
                }
              : check,
            progress: (p) => (streamed ? streamed.sent(sent()) : progress.update(p.bytesDone)),
            ...(streamed && {
              onLayer: (layer, event) => {
                streamed.layer(layer, event);
                streamed.sent(sent());
              },
            }),
            ...(plan.source.kind === 'folder' && layerReuse(context, plan)),
          },
        );
      } catch (error) {
        // No manifest was written: what the sink uploaded is referenced by nothing. Say which.
        if (sink instanceof RegistrySink && sink.written.length > 0) {
          context.record.unreferencedBlobs = {
            repository: `${sink.client.registry}/${sink.repository}`,
            blobs: [...sink.written],
          };
        }
        throw error;
      }
      if (streamed) {
        streamed.sent(sent());
        streamed.done();
      } else progress.done();
      return {
        digest: image.manifestDigest,
        reference: target.reference(image.manifestDigest),
        modelLayers: image.modelLayers,
        ...(image.signatureLayer && { signatureLayer: image.signatureLayer }),
        reusedLayers: image.reusedLayers,
        ...(sink instanceof RegistrySink && { push: { ...sink.stats } }),
      };
    },
    (b) =>
      `${b.reference}${builder ? ` (${builder.kind})` : ''}` +
      (b.reusedLayers
        ? `; ${b.reusedLayers} of ${plan.image.layers.length} model layer(s) already there, not read`
        : '') +
      (b.push?.blobsMounted ? `; ${b.push.blobsMounted} layer(s) mounted, not uploaded` : ''),
  );
}

/**
 * With `files` serialization the verified signature gives every file's sha256, so a layer's bytes
 * are known from its key and a registry that holds them is not sent them again — or even read.
 * The key → digest map stays on this machine (never in a shared cache): an entry lets a layer into
 * an image unread, so only this machine's own builds may write it.
 */
function layerReuse(
  context: PromotionContext,
  plan: PromotionPlan,
): Pick<BuildHooks, 'fileSha256' | 'layerDigests'> {
  const { manifest } = plan.verified;
  if (manifest.serialization.method !== 'files') return {};
  const fileSha256 = new Map(
    manifest.resources.filter((r) => r.algorithm === 'sha256').map((r) => [r.name, r.digest] as const),
  );
  const cacheDir = context.inputs.cacheDir && path.resolve(context.cwd, context.inputs.cacheDir);
  const folder = DownloadCache.defaultRoot(context.env, cacheDir);
  return { fileSha256, layerDigests: new LayerKeyCache(folder, { logger: context.options.logger }) };
}

/** The model's OMS signature, attached to the image it became: whoever pulls it can verify it again. */
function attachSignature(plan: PromotionPlan, built: BuiltRef) {
  return signatureBytes(plan.source).then((bytes) =>
    attachToImage(plan, built.digest, {
      artifactType: SIGSTORE_BUNDLE_TYPE,
      mediaType: SIGSTORE_BUNDLE_TYPE,
      bytes,
      annotations: {
        'org.opencontainers.image.title': 'model.sig',
        'dev.model-promote.model.digest': plan.verified.digest,
      },
    }),
  );
}

/** Attaches an artifact to the pushed image, naming the image exactly as the registry stores it. */
export async function attachToImage(plan: PromotionPlan, digest: string, artifact: ReferrerArtifact) {
  const { registry, repository } = plan.target!;
  const client = plan.clients.clientFor(registry);
  const head = await client.headManifest(repository, digest);
  return attachReferrer(
    client,
    repository,
    {
      mediaType: head?.mediaType ?? 'application/vnd.oci.image.manifest.v1+json',
      digest,
      size: head?.size ?? 0,
    },
    artifact,
  );
}

function render(context: PromotionContext, plan: PromotionPlan, built: BuiltRef): RenderedObject[] {
  const { record, inputs, options } = context;
  const signature = plan.verified.signature;
  return renderManifests({
    promotionId: record.promotionId,
    environment: inputs.environment,
    pool: plan.choice.pool,
    model: {
      name: plan.version.model,
      version: plan.version.version,
      digest: plan.verified.digest,
      requested: plan.version.requested,
    },
    image: { reference: built.reference, digest: built.digest },
    signer: {
      method: signature.method,
      identity: signature.signer,
      ...(signature.issuer && { issuer: signature.issuer }),
    },
    ...(options.runUrl && { sourceRunUrl: options.runUrl }),
    ...(plan.previousVersion &&
      plan.previousVersion !== plan.version.version && { previousVersion: plan.previousVersion }),
    ...(plan.modelValidation && { modelValidation: plan.modelValidation }),
  });
}

async function deployStage(
  context: PromotionContext,
  plan: PromotionPlan,
  built: BuiltRef,
  objects: readonly RenderedObject[],
): Promise<AppliedObjects['user']> {
  const { stages, record } = context;
  const [{ deploy, reportOf }, { deployToClusters }] = await Promise.all([
    import('./deploy/deploy.js'),
    import('./deploy/cluster-targets.js'),
  ]);
  const input = { ...(await deployInput(context, plan, built, objects)), ...plan.cluster!, dryRun: false };
  const clusters = plan.choice.pool.clusters;
  try {
    const reports = await stages.run(
      'deploy',
      async (): Promise<DeployReport[]> =>
        clusters ? [...(await deployToClusters(input, clusters)).results] : [await deploy(input)],
      (reports) =>
        reports
          .map(
            (r) =>
              `${r.cluster}/${r.namespace}: ${r.previousVersion ? `v${r.previousVersion} -> ` : ''}v${r.version}` +
              (r.rollout ? `, rollout ${r.rollout.seconds.toFixed(1)} s` : '') +
              (r.smoke
                ? `, smoke p50 ${r.smoke.p50Ms.toFixed(0)} ms p95 ${r.smoke.p95Ms.toFixed(0)} ms`
                : ''),
          )
          .join('; '),
    );
    record.deploy = reports.map(reportOnly);
    return input.userObjects ?? [];
  } catch (error) {
    const report = reportOf(error);
    if (report) record.deploy = [report];
    throw error;
  }
}

async function deployInput(
  context: PromotionContext,
  plan: PromotionPlan,
  built: BuiltRef,
  objects: readonly RenderedObject[],
): Promise<Omit<DeployInput, 'dryRun'>> {
  const { inputs, cwd, record, options, env } = context;
  const model = { name: plan.version.model, version: plan.version.version, digest: plan.verified.digest };
  const userObjects = inputs.manifests.length
    ? await loadUserManifests(
        inputs.manifests,
        cwd,
        {
          IMAGE: built.reference,
          IMAGE_DIGEST: built.digest,
          MODEL_NAME: model.name,
          MODEL_VERSION: model.version,
          MODEL_DIGEST: model.digest,
          NAMESPACE: plan.choice.pool.namespace,
        },
        { promotionId: record.promotionId },
      )
    : [];
  const inputExample = await readInputExample(plan.source);
  return {
    objects,
    userObjects,
    pool: plan.choice.pool,
    ...(inputs.kubeconfig && { kubeconfig: inputs.kubeconfig }),
    promotionId: record.promotionId,
    model,
    image: { reference: built.reference, digest: built.digest },
    ...(inputExample !== undefined && { inputExample }),
    timeouts: { rolloutSeconds: inputs.rolloutTimeoutSeconds },
    utilization: {
      windowSeconds: inputs.metricsWindowSeconds,
      ...(inputs.prometheusUrl && { prometheusUrl: inputs.prometheusUrl }),
      expectGpu: (plan.choice.pool.accelerator?.vendor ?? 'none') !== 'none',
    },
    logger: options.logger,
    force: inputs.force,
    env,
  };
}

/** The model's own example request, for the inference smoke check (optional in a model). */
async function readInputExample(source: ModelSource): Promise<unknown> {
  try {
    const bytes = await readSmallFile(source, 'input_example.json', 1024 * 1024);
    return bytes && JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** What the record keeps of a deploy: the report, not the live objects or replies. */
function reportOnly(result: DeployReport): DeployReport {
  const {
    cluster,
    namespace,
    previousVersion,
    version,
    rollout,
    smoke,
    utilization,
    applied,
    rolledBack,
    reason,
    evidence,
  } = result;
  return {
    cluster,
    namespace,
    version,
    applied,
    rolledBack,
    ...(previousVersion !== undefined && { previousVersion }),
    ...(rollout && { rollout }),
    ...(smoke && { smoke }),
    ...(utilization && { utilization }),
    ...(reason !== undefined && { reason }),
    ...(evidence && { evidence }),
  };
}

function imageRecord(plan: PromotionPlan, built: BuiltRef): NonNullable<PromotionRecord['image']> {
  return {
    reference: built.reference,
    digest: built.digest,
    base: plan.base.reference,
    ...(plan.base.digest && { baseDigest: plan.base.digest }),
    layers: plan.image.layers.map((layer, i) => ({
      files: layer.files.length,
      size: built.modelLayers?.[i]?.size ?? layer.bytes,
      ...(built.modelLayers?.[i] && { digest: built.modelLayers[i].digest }),
    })),
    ...(built.push && { push: built.push }),
    ...(plan.image.signaturePath && {
      signature: {
        path: plan.image.signaturePath,
        size: built.signatureLayer?.size ?? plan.image.signatureLayer?.bytes ?? 0,
        ...(built.signatureLayer && { digest: built.signatureLayer.digest }),
      },
    }),
  };
}

/** Relative to the working directory when inside it (reads well in logs), else absolute. */
function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
