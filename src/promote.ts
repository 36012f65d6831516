/**
 * One promotion, read like the operating checklist: fetch, verify, resolve, plan; then build,
 * render, report. Everything up to the plan has no side effect, so `dry-run` stops there and a
 * refusal leaves nothing half-done. Each stage takes the previous stage's value and adds its
 * entry to the record.
 */
import path from 'node:path';
import { renderManifests } from './deploy/render.js';
import { writeManifests } from './deploy/write-manifests.js';
import { loadCatalog, type LoadedCatalog } from './environments/catalog-loader.js';
import { EnvironmentError } from './environments/environment-error.js';
import { environmentOf, resolvePool, type PoolChoice } from './environments/resolve-pool.js';
import { environmentSigningPolicy } from './environments/signing-policy.js';
import { asPromotionError, type PromotionError } from './errors.js';
import { resolveBaseImage, type BaseImage } from './image/base-image.js';
import { buildImage, type BuiltImage } from './image/build.js';
import {
  layoutTarget,
  parseRepository,
  RegistryClients,
  registryTarget,
  type ImageTarget,
} from './image/image-target.js';
import { planImage, type ImagePlan, type ImagePlanInput } from './image/plan.js';
import type { PromotionInputs } from './inputs.js';
import type { Logger } from './logger.js';
import type { ModelRegistry, ModelVersion } from './registry/model-version.js';
import { openRegistry } from './registry/open-registry.js';
import { OutputFolder } from './report/output-folder.js';
import { renderPlanText } from './report/plan-text.js';
import { byteProgress } from './report/progress.js';
import type { PromotionRecord } from './report/promotion-record.js';
import { StageRunner } from './report/stage-runner.js';
import { renderSummaryMarkdown } from './report/summary-markdown.js';
import {
  requirementFromEnvironment,
  requirementFromInputs,
  type PolicyRequirement,
} from './signing/policy-sources.js';
import { createContentCheck } from './signing/serialize.js';
import { verifyModel, type VerifiedModel } from './signing/verify-model.js';
import { TOOL_VERSION } from './version.js';

export interface PromoteOptions {
  readonly logger: Logger;
  /** Wraps each stage, e.g. in a collapsible log group. */
  readonly group?: <T>(title: string, work: () => Promise<T>) => Promise<T>;
  readonly cwd?: string;
  readonly clock?: () => Date;
  readonly promotionId?: string;
  readonly runUrl?: string;
  /** Keeps secrets found on the way (registry tokens) out of the log. */
  readonly mask?: (secret: string) => void;
  /** Replaces the registry named by the inputs (tests). */
  readonly registry?: ModelRegistry;
}

export interface PromotionResult {
  readonly record: PromotionRecord;
  readonly error?: PromotionError;
}

/** Everything decided before the first side effect. */
interface PromotionPlan {
  readonly catalog: LoadedCatalog;
  readonly registry: ModelRegistry;
  readonly version: ModelVersion;
  readonly previousVersion?: string;
  readonly verified: VerifiedModel;
  readonly choice: PoolChoice;
  readonly base: BaseImage;
  readonly imageInput: ImagePlanInput;
  readonly image: ImagePlan;
  /** A registry repository to push to; without one the image goes to the output folder. */
  readonly target?: ImageTarget;
}

interface Context {
  readonly inputs: PromotionInputs;
  readonly options: PromoteOptions;
  readonly cwd: string;
  readonly record: PromotionRecord;
  readonly stages: StageRunner;
  readonly output: OutputFolder;
}

export async function promote(inputs: PromotionInputs, options: PromoteOptions): Promise<PromotionResult> {
  const clock = options.clock ?? (() => new Date());
  const cwd = options.cwd ?? process.cwd();
  const record = newRecord(inputs, options.promotionId ?? newPromotionId(clock()), clock(), options.runUrl);
  const context: Context = {
    inputs,
    options,
    cwd,
    record,
    stages: new StageRunner(record, options.logger, clock, options.group),
    output: new OutputFolder(path.resolve(cwd, inputs.output)),
  };
  let plan: PromotionPlan | undefined;
  let staging: string | undefined;
  let error: PromotionError | undefined;
  try {
    plan = await planPromotion(context);
    if (inputs.dryRun) {
      options.logger.info(
        renderPlanText({
          model: { name: plan.version.model, version: plan.version.version },
          verified: plan.verified,
          choice: plan.choice,
          image: plan.image,
        }),
      );
      record.status = 'planned';
      await context.output.discard(undefined); // the folder describes this plan: no earlier run's artifacts
    } else {
      staging = await context.output.createStaging();
      await applyPromotion(context, plan, staging);
      await context.output.commit(staging);
      record.status = 'succeeded';
    }
  } catch (thrown) {
    error = asPromotionError(thrown);
    record.status = error.kind === 'refused' ? 'refused' : 'failed';
    record.error = {
      kind: error.kind,
      code: error.code,
      message: error.message,
      ...(error.hint && { hint: error.hint }),
    };
    if (error instanceof EnvironmentError && error.explanation.length && record.environment === undefined) {
      record.environment = { name: inputs.environment, explanation: error.explanation };
    }
    await context.output.discard(staging);
  }
  record.finishedAt = clock().toISOString();
  await report(context, plan);
  return { record, ...(error && { error }) };
}

async function planPromotion(context: Context): Promise<PromotionPlan> {
  const { inputs, options, cwd, record, stages } = context;

  const { catalog, requirements } = await stages.run(
    'configure',
    async () => {
      const catalog = await loadCatalog(inputs.catalog, cwd);
      environmentOf(catalog, inputs.environment); // an unknown environment is a usage error, found first
      const requirements: PolicyRequirement[] = [];
      const environmentPolicy = await environmentSigningPolicy(catalog, inputs.environment);
      if (environmentPolicy) requirements.push(requirementFromEnvironment(environmentPolicy));
      const inputPolicy = await requirementFromInputs(inputs.policy, cwd);
      if (inputPolicy) requirements.push(inputPolicy);
      return { catalog, requirements };
    },
    ({ requirements }) =>
      `catalog ${inputs.catalog}; signing policy from ${requirements.map((r) => r.source).join(' and ') || 'nowhere'}`,
  );

  const registry = options.registry ?? openRegistry(inputs.registry, cwd);
  const { version, previousVersion } = await stages.run(
    'fetch',
    async () => {
      const version = await registry.resolve(inputs.model, inputs.version);
      const previousVersion = (await registry.history(inputs.model))
        .filter((entry) => entry.environment === inputs.environment && entry.status === 'succeeded')
        .at(-1)?.version;
      return { version, previousVersion };
    },
    ({ version, previousVersion }) =>
      `${version.model} ${version.requested === version.version ? '' : `${version.requested} -> `}v${version.version}` +
      (previousVersion ? `; ${inputs.environment} runs v${previousVersion}` : ''),
  );

  const verified = await stages.run(
    'verify',
    async () => {
      const progress = byteProgress(options.logger, 'verify', 0);
      const result = await verifyModel(version, requirements, {
        onProgress: (p) => progress.update(p.bytesDone, p.bytesTotal),
      });
      progress.done();
      return result;
    },
    (v) => `${v.files.length} files match ${v.digest}, signed by ${v.signature.signer}`,
  );
  record.model = {
    name: version.model,
    version: version.version,
    requested: version.requested,
    aliases: version.aliases,
    labels: version.labels,
    digest: verified.digest,
    files: verified.files.length,
    bytes: verified.bytes,
  };
  record.signature = {
    method: verified.signature.method,
    signer: verified.signature.signer,
    ...(verified.signature.issuer && { issuer: verified.signature.issuer }),
    ...(verified.signature.signedAt && { signedAt: verified.signature.signedAt }),
    policies: verified.satisfied,
  };

  const choice = await stages.run(
    'resolve',
    async () => resolvePool(catalog, inputs.environment, version.labels),
    (c) => `pool ${c.pool.name} (${c.explanation.find((row) => row.selected)?.reason ?? ''})`,
  );
  record.environment = {
    name: choice.environment,
    pool: choice.pool.name,
    namespace: choice.pool.namespace,
    ...(choice.pool.endpoint && { endpoint: choice.pool.endpoint }),
    explanation: choice.explanation,
  };

  const { base, imageInput, image, target } = await stages.run(
    'plan',
    async () => {
      const targetRegistry = inputs.imageRepository
        ? parseRepository(inputs.imageRepository).registry
        : undefined;
      const clients = new RegistryClients(
        {
          ...(inputs.registryUsername && { username: inputs.registryUsername }),
          ...(inputs.registryPassword && { password: inputs.registryPassword }),
          insecure: inputs.insecureRegistry,
          logger: options.logger,
          ...(options.mask && { mask: options.mask }),
        },
        targetRegistry,
      );
      const target = inputs.imageRepository
        ? registryTarget(inputs.imageRepository, clients, options.logger)
        : undefined;
      // Reaching the target and its credentials now means a wrong token is a refusal before any upload.
      if (targetRegistry) await clients.clientFor(targetRegistry).ping();
      const base = await resolveBaseImage(choice.base.ref, {
        platform: choice.pool.image.platform,
        relativeTo: catalog.directory,
        registry: clients.baseSource(),
      });
      const imageInput: ImagePlanInput = {
        files: verified.files,
        pool: choice.pool,
        base,
        model: { name: version.model, version: version.version, digest: verified.digest },
        sourceDateEpoch: inputs.sourceDateEpoch,
        tags: imageTags(version.version, choice.pool.name),
      };
      return { base, imageInput, image: planImage(imageInput), target };
    },
    ({ image, target }) =>
      `${image.layers.length} model layer(s) on ${image.base.reference}${image.base.digest ? `@${image.base.digest}` : ''}` +
      `, to ${target?.name ?? 'an OCI layout'}`,
  );
  return {
    catalog,
    registry,
    version,
    ...(previousVersion !== undefined && { previousVersion }),
    verified,
    choice,
    base,
    imageInput,
    image,
    ...(target && { target }),
  };
}

async function applyPromotion(context: Context, plan: PromotionPlan, staging: string): Promise<void> {
  const { options, record, stages, output, cwd, inputs } = context;

  const layoutPath = path.relative(cwd, output.artifactPath('image')) || '.';
  const target = plan.target ?? layoutTarget(path.join(staging, 'image'), layoutPath);
  const built = await stages.run(
    'build',
    async () => {
      const progress = byteProgress(options.logger, 'build', plan.image.modelBytes + plan.image.base.bytes);
      const sink = await target.open();
      const image = await buildImage({ ...plan.imageInput, directory: plan.verified.directory }, sink, {
        check: (file, size) => createContentCheck(plan.verified.manifest, file, size),
        progress: (p) => progress.update(p.bytesDone),
      });
      progress.done();
      return image;
    },
    (image) => `${target.reference(image.manifestDigest)}, ${image.layers.length} layers`,
  );
  const reference = target.reference(built.manifestDigest);
  record.image = imageRecord(built, reference, plan.base, plan.target ? undefined : layoutPath);

  const objects = await stages.run(
    'manifests',
    async () => {
      const objects = renderManifests({
        promotionId: record.promotionId,
        environment: inputs.environment,
        pool: plan.choice.pool,
        model: {
          name: plan.version.model,
          version: plan.version.version,
          digest: plan.verified.digest,
          requested: plan.version.requested,
        },
        image: { reference, digest: built.manifestDigest },
        signer: {
          method: plan.verified.signature.method,
          identity: plan.verified.signature.signer,
          ...(plan.verified.signature.issuer && { issuer: plan.verified.signature.issuer }),
        },
        ...(options.runUrl && { sourceRunUrl: options.runUrl }),
        ...(plan.previousVersion && { previousVersion: plan.previousVersion }),
      });
      await writeManifests(path.join(staging, 'manifests'), objects);
      return objects;
    },
    (objects) => objects.map((o) => o.kind).join(', '),
  );
  record.manifests = {
    path: path.relative(cwd, output.artifactPath('manifests')) || '.',
    objects: objects.map((o) => `${o.kind}/${o.metadata.name}`),
  };
}

/** Writes the record and summary, and the outcome onto the model version. Never throws. */
async function report(context: Context, plan: PromotionPlan | undefined): Promise<void> {
  const { record, output, options, inputs } = context;
  try {
    await output.writeReport(record, renderSummaryMarkdown(record));
  } catch (error) {
    options.logger.warn(`writing the promotion record to ${output.dir}: ${(error as Error).message}`);
  }
  if (!plan || inputs.dryRun) return;
  try {
    await plan.registry.recordPromotion(plan.version, {
      promotionId: record.promotionId,
      environment: inputs.environment,
      version: plan.version.version,
      status: record.status,
      time: record.finishedAt ?? new Date().toISOString(),
      ...(record.image && { image: record.image.reference }),
      ...(record.environment?.pool && { pool: record.environment.pool }),
      ...(record.error && { reason: record.error.message }),
    });
  } catch (error) {
    options.logger.warn(`writing the promotion back to the registry: ${asPromotionError(error).message}`);
  }
}

function imageRecord(
  built: BuiltImage,
  reference: string,
  base: BaseImage,
  layoutPath: string | undefined,
): PromotionRecord['image'] {
  const modelLayers = built.plan.layers;
  return {
    reference,
    digest: built.manifestDigest,
    base: base.reference,
    ...(base.digest && { baseDigest: base.digest }),
    layers: built.layers.slice(built.layers.length - modelLayers.length).map((layer, i) => ({
      digest: layer.digest,
      size: layer.size,
      files: modelLayers[i]!.files.length,
    })),
    ...(layoutPath && { layoutPath }),
  };
}

/** Tags follow the OCI tag grammar: the version, and the version for this pool. */
export function imageTags(version: string, pool: string): string[] {
  const tag = (text: string) =>
    text
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 128) || 'model';
  return [tag(version), tag(`${version}-${pool}`)];
}

function newRecord(
  inputs: PromotionInputs,
  promotionId: string,
  now: Date,
  runUrl: string | undefined,
): PromotionRecord {
  return {
    schemaVersion: 1,
    promotionId,
    tool: { name: 'model-promote', version: TOOL_VERSION },
    startedAt: now.toISOString(),
    status: 'failed',
    dryRun: inputs.dryRun,
    request: {
      registry: inputs.registry,
      model: inputs.model,
      version: inputs.version,
      environment: inputs.environment,
      catalog: inputs.catalog,
      output: inputs.output,
    },
    ...(runUrl && { runUrl }),
    stages: [],
  };
}

/** Sortable and unique enough to name a promotion in annotations and history. */
function newPromotionId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${crypto.randomUUID().slice(0, 8)}`;
}
