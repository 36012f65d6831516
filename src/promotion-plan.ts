/**
 * The plan: every stage that changes nothing outside this machine. configure, fetch, verify,
 * schema, resolve, plan. It ends with everything the apply needs decided, so a refusal here
 * leaves nothing half-done, and `dry-run` can stop after it.
 */
import type { ChosenSigner } from './attest/choose-signer.js';
import type { AttestationStore } from './platform/platform.js';
import { tmpdir } from 'node:os';
import { acceptsLayoutImages, clusterSource } from './deploy/cluster-access.js';
import { manifestFiles } from './deploy/user-manifests.js';
import { loadCatalog, type LoadedCatalog } from './environments/catalog-loader.js';
import {
  baseRuntimeKey,
  basesToInspect,
  environmentOf,
  resolvePool,
  type PoolChoice,
} from './environments/resolve-pool.js';
import { environmentSigningPolicy } from './environments/signing-policy.js';
import { UsageError } from './errors.js';
import { readBaseRuntimes, resolveBaseImage, type BaseImage } from './image/base-image.js';
import {
  parseRepository,
  RegistryClients,
  registryTarget,
  type RegistryImageTarget,
} from './image/image-target.js';
import { planImage, type ImagePlan, type ImagePlanInput } from './image/plan.js';
import type { PromotionInputs } from './inputs.js';
import type { Logger } from './logger.js';
import type {
  ListedVersion,
  ModelRegistry,
  ModelVersion,
  PromotionHistoryEntry,
  VersionInfo,
} from './registry/model-version.js';
import { fetchMode, type FetchMode, type ModelSource } from './promotion-stream.js';
import { openRegistry } from './registry/open-registry.js';
import type { OutputFolder } from './report/output-folder.js';
import { byteProgress } from './progress.js';
import type { PromotionRecord } from './report/promotion-record.js';
import type { StageRunner } from './report/stage-runner.js';
import {
  checkCompatibility,
  extractInterface,
  folderFiles,
  listedFiles,
  type CompatibilityResult,
  type ModelInterface,
} from './schema/index.js';
import {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot,
  type PolicyRequirement,
} from './signing/policy-sources.js';
import { inClusterPolicy, type InClusterPolicy } from './signing/in-cluster-policy.js';
import { refreshPublicGoodRoot } from './signing/public-good-root.js';
import { verifySignedListing } from './signing/verify-listing.js';
import { verifyModel, type SignedFiles } from './signing/verify-model.js';

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
  readonly env?: NodeJS.ProcessEnv;
  /** Signs the promotion attestation after the deploy (`attest`); none: no attestation. */
  readonly attestation?: ChosenSigner;
  /** Also stores it there (GitHub's artifact attestations), for an image pushed to a registry. */
  readonly attestationStore?: AttestationStore;
}

/** What one promotion shares between its stages. */
export interface PromotionContext {
  readonly inputs: PromotionInputs;
  readonly options: PromoteOptions;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly record: PromotionRecord;
  readonly stages: StageRunner;
  readonly output: OutputFolder;
}

/** Where the promotion deploys, when it does. */
export interface ClusterPlan {
  /** Only the test cluster runs images from an OCI layout on this machine. */
  readonly allowLayoutImages: boolean;
}

/**
 * A version whose signature held: from here on a refusal (a breaking interface, no pool) is an
 * outcome worth recording in the registry's history. Before it, a promotion touches nothing.
 */
export interface VerifiedVersion {
  readonly registry: ModelRegistry;
  readonly version: VersionInfo;
  /** The model's promotion history as the registry returned it at fetch, oldest first. */
  readonly history: readonly PromotionHistoryEntry[];
}

/** Everything decided before the first side effect. */
export interface PromotionPlan extends VerifiedVersion {
  readonly catalog: LoadedCatalog;
  /** The version the environment runs now, from the registry's promotion history. */
  readonly previousVersion?: string;
  /**
   * The signature held and the files are the signed ones. From a folder their bytes were checked
   * too; streamed, the build checks them as they go (`source.kind`).
   */
  readonly verified: SignedFiles;
  readonly source: ModelSource;
  readonly compatibility?: CompatibilityResult;
  readonly choice: PoolChoice;
  readonly base: BaseImage;
  readonly imageInput: ImagePlanInput;
  readonly image: ImagePlan;
  readonly clients: RegistryClients;
  /** A registry repository to push to; without one the image goes to the output folder. */
  readonly target?: RegistryImageTarget;
  readonly cluster?: ClusterPlan;
  /** For a pool that asks for in-cluster model validation: what the cluster checks again. */
  readonly modelValidation?: { readonly policy: InClusterPolicy; readonly signaturePath: string };
}

export async function planPromotion(
  context: PromotionContext,
  onVerified?: (verified: VerifiedVersion) => void,
): Promise<PromotionPlan> {
  const { catalog, requirements } = await configure(context);
  const registry = context.options.registry ?? openModelRegistry(context);
  const mode = fetchMode({
    registryStreams: registry.resolveListed !== undefined,
    imageRepository: Boolean(context.inputs.imageRepository),
    cacheDir: Boolean(context.inputs.cacheDir),
    containerfileBuilder: environmentOf(catalog, context.inputs.environment).pools.some((p) => p.builder),
  });
  const { version, previousVersion, history, fetched } = await fetchVersion(context, registry, mode);
  const { verified, source } = await verify(context, fetched, requirements, previousVersion);
  onVerified?.({ registry, version, history });
  const compatibility = await checkSchema(context, registry, version, source, previousVersion);
  const clients = registryClients(context);
  const { choice, bases } = await resolve(context, catalog, version, clients);
  const planned = await planImageAndTarget(
    context,
    catalog,
    version,
    verified,
    choice,
    clients,
    bases,
    requirements,
  );
  return {
    catalog,
    registry,
    version,
    ...(previousVersion !== undefined && { previousVersion }),
    history,
    verified,
    source,
    ...(compatibility && { compatibility }),
    choice,
    clients: planned.clients,
    base: planned.base,
    imageInput: planned.imageInput,
    image: planned.image,
    ...(planned.target && { target: planned.target }),
    ...(planned.cluster && { cluster: planned.cluster }),
    ...(planned.modelValidation && { modelValidation: planned.modelValidation }),
  };
}

/** configure: the catalog, the signing policies (and the public-good root they may need), the manifest globs. */
function configure(
  context: PromotionContext,
): Promise<{ catalog: LoadedCatalog; requirements: PolicyRequirement[] }> {
  const { inputs, options, cwd, stages } = context;
  return stages.run(
    'configure',
    async () => {
      const catalog = await loadCatalog(inputs.catalog, cwd);
      environmentOf(catalog, inputs.environment); // an unknown environment is a usage error, found first
      const requirements: PolicyRequirement[] = [];
      const environmentPolicy = await environmentSigningPolicy(catalog, inputs.environment);
      if (environmentPolicy) requirements.push(requirementFromEnvironment(environmentPolicy));
      const inputPolicy = await requirementFromInputs(inputs.policy, cwd);
      if (inputPolicy) requirements.push(inputPolicy);
      const root = usesPublicGood(requirements)
        ? await refreshPublicGoodRoot({ logger: options.logger, env: context.env })
        : undefined;
      // A bad glob is a usage error now, not after the image is pushed.
      if (inputs.manifests.length) await manifestFiles(inputs.manifests, cwd);
      return { catalog, requirements: withPublicGoodRoot(requirements, root) };
    },
    ({ requirements }) =>
      `catalog ${inputs.catalog}; signing policy from ${requirements.map((r) => r.source).join(' and ') || 'nowhere'}`,
  );
}

/** The registry the inputs name. */
function openModelRegistry(context: PromotionContext): ModelRegistry {
  const { inputs, options, cwd } = context;
  return openRegistry(inputs.registry, cwd, {
    logger: options.logger,
    env: context.env,
    insecure: inputs.insecureRegistry,
    ...(inputs.cacheDir && { cacheDir: inputs.cacheDir }),
    ...(options.mask && { mask: options.mask }),
  });
}

/** What fetch hands to verify: a folder version, or a listed one whose files stream later. */
type Fetched =
  | { readonly kind: 'folder'; readonly version: ModelVersion }
  | { readonly kind: 'stream'; readonly version: ListedVersion };

/** fetch: the version (its files, or only their listing), and the one the environment runs now. */
function fetchVersion(
  context: PromotionContext,
  registry: ModelRegistry,
  mode: FetchMode,
): Promise<{
  version: VersionInfo;
  fetched: Fetched;
  previousVersion: string | undefined;
  history: readonly PromotionHistoryEntry[];
}> {
  const { inputs, stages } = context;
  return stages.run(
    'fetch',
    async () => {
      const fetched: Fetched =
        mode === 'stream' && registry.resolveListed
          ? { kind: 'stream', version: await registry.resolveListed(inputs.model, inputs.version) }
          : { kind: 'folder', version: await registry.resolve(inputs.model, inputs.version) };
      const history = await registry.history(inputs.model);
      const previousVersion = history
        .filter((entry) => entry.environment === inputs.environment && entry.status === 'succeeded')
        .at(-1)?.version;
      return { version: fetched.version, fetched, previousVersion, history };
    },
    ({ version, previousVersion, fetched }) =>
      `${version.model} ${version.requested === version.version ? '' : `${version.requested} -> `}v${version.version}` +
      (fetched.kind === 'stream' ? `; ${fetched.version.files.length} files listed, to stream` : '') +
      (previousVersion ? `; ${inputs.environment} runs v${previousVersion}` : ''),
  );
}

/** verify: the signature and every file against it; the record learns the model and its signer. */
async function verify(
  context: PromotionContext,
  fetched: Fetched,
  requirements: readonly PolicyRequirement[],
  previousVersion: string | undefined,
): Promise<{ verified: SignedFiles; source: ModelSource }> {
  const { options, record, stages } = context;
  const { version } = fetched;
  const { verified, source } = await stages.run(
    'verify',
    async (): Promise<{ verified: SignedFiles; source: ModelSource }> => {
      if (fetched.kind === 'stream') {
        const listed = fetched.version;
        const verified = await verifySignedListing(
          listed.signature,
          listed.files.map((f) => ({ path: f.path, size: f.size ?? -1 })),
          requirements,
          { signatureName: listed.signatureName },
        );
        const files = new Map(listed.files.map((f) => [f.path, f] as const));
        return {
          verified,
          source: { kind: 'stream', label: listed.label, files, signature: listed.signature },
        };
      }
      const folder = fetched.version;
      const progress = byteProgress(options.logger, 'verify', 0);
      const result = await verifyModel(folder, requirements, {
        onProgress: (p) => progress.update(p.bytesDone, p.bytesTotal),
        ...(folder.knownDigests && { knownDigests: folder.knownDigests }),
      });
      progress.done();
      return {
        verified: result,
        source: { kind: 'folder', directory: result.directory, signaturePath: folder.signaturePath },
      };
    },
    ({ verified: v, source: s }) =>
      s.kind === 'stream'
        ? `signed by ${v.signature.signer}; ${v.files.length} listed files are the signed ones (${v.digest}), their bytes checked as they stream`
        : `${v.files.length} files match ${v.digest}, signed by ${v.signature.signer}`,
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
    ...(previousVersion !== undefined && { previousVersion }),
  };
  record.signature = {
    method: verified.signature.method,
    signer: verified.signature.signer,
    ...(verified.signature.issuer && { issuer: verified.signature.issuer }),
    ...(verified.signature.signedAt && { signedAt: verified.signature.signedAt }),
    policies: verified.satisfied,
  };
  return { verified, source };
}

/** schema: the model's interface against the running version's, when both declare one. */
async function checkSchema(
  context: PromotionContext,
  registry: ModelRegistry,
  version: VersionInfo,
  source: ModelSource,
  previousVersion: string | undefined,
): Promise<CompatibilityResult | undefined> {
  const { inputs, record, stages } = context;
  return stages.run(
    'schema',
    async () => {
      const next = await extractInterface(
        source.kind === 'folder'
          ? await folderFiles(source.directory, version.signatureName)
          : listedFiles(source.label, [...source.files.values()], version.signatureName, tmpdir()),
      );
      if (!next) return undefined;
      const previous =
        previousVersion && previousVersion !== version.version
          ? await runningInterface(registry, inputs.model, previousVersion)
          : undefined;
      const result = checkCompatibility(previous, next, inputs.allowBreakingSchema);
      record.compatibility = result;
      return result;
    },
    (result) =>
      !result
        ? 'no interface declared in the model'
        : !result.previous
          ? `interface from ${result.next.file}; nothing to compare with`
          : `${result.breaking.length} breaking, ${result.additions.length} added (v${previousVersion} -> v${version.version})`,
  );
}

/**
 * resolve: the pool the version's labels select; the record learns why. The configs of the base
 * images whose CUDA or ROCm runtime decides are read first (config only), so an incompatible
 * driver is refused here, before anything is built.
 */
async function resolve(
  context: PromotionContext,
  catalog: LoadedCatalog,
  version: VersionInfo,
  clients: () => RegistryClients,
): Promise<{ choice: PoolChoice; bases: ReadonlyMap<string, BaseImage> }> {
  const { inputs, record, stages } = context;
  const resolved = await stages.run(
    'resolve',
    async () => {
      const toRead = basesToInspect(catalog, inputs.environment, version.labels);
      const { runtimes, images } = await readBaseRuntimes(toRead, {
        relativeTo: catalog.directory,
        ...(toRead.some((base) => !base.ref.startsWith('oci-layout:')) && {
          registry: clients().baseSource(),
        }),
      });
      return { choice: resolvePool(catalog, inputs.environment, version.labels, runtimes), bases: images };
    },
    ({ choice: c }) =>
      `pool ${c.pool.name} (${c.explanation.find((row) => row.selected)?.reason ?? ''})` +
      (c.runtime ? `; ${c.runtime}` : ''),
  );
  const { choice } = resolved;
  record.environment = {
    name: choice.environment,
    pool: choice.pool.name,
    namespace: choice.pool.namespace,
    ...(choice.pool.endpoint && { endpoint: choice.pool.endpoint }),
    explanation: choice.explanation,
  };
  return resolved;
}

/**
 * One client per registry for the promotion; the inputs' credentials reach only the target's
 * registry. Made when first needed, so that a bad image-repository is reported by the stage that
 * needs it.
 */
function registryClients(context: PromotionContext): () => RegistryClients {
  let clients: RegistryClients | undefined;
  return () => (clients ??= makeRegistryClients(context));
}

function makeRegistryClients(context: PromotionContext): RegistryClients {
  const { inputs, options } = context;
  const targetRegistry = inputs.imageRepository
    ? parseRepository(inputs.imageRepository).registry
    : undefined;
  return new RegistryClients(
    {
      ...(inputs.registryUsername && { username: inputs.registryUsername }),
      ...(inputs.registryPassword && { password: inputs.registryPassword }),
      insecure: inputs.insecureRegistry,
      logger: options.logger,
      env: context.env,
      ...(options.mask && { mask: options.mask }),
    },
    targetRegistry,
  );
}

/** plan: the target (reached now), the base image, the image plan and the cluster plan. */
function planImageAndTarget(
  context: PromotionContext,
  catalog: LoadedCatalog,
  version: VersionInfo,
  verified: SignedFiles,
  choice: PoolChoice,
  lazyClients: () => RegistryClients,
  bases: ReadonlyMap<string, BaseImage>,
  requirements: readonly PolicyRequirement[],
) {
  const { inputs, options, stages } = context;
  return stages.run(
    'plan',
    async () => {
      const targetRegistry = inputs.imageRepository
        ? parseRepository(inputs.imageRepository).registry
        : undefined;
      const clients = lazyClients();
      const target = inputs.imageRepository
        ? registryTarget(inputs.imageRepository, clients, options.logger)
        : undefined;
      if (choice.pool.builder && !target) {
        throw new UsageError(
          `pool ${choice.pool.name} builds with ${choice.pool.builder.kind}, which pushes to a registry`,
          'give image-repository (HOST/REPO)',
        );
      }
      // Reaching the target and its credentials now means a wrong token is a refusal before any upload.
      if (targetRegistry) await clients.clientFor(targetRegistry).ping();
      const base =
        bases.get(baseRuntimeKey({ ref: choice.base.ref, platform: choice.pool.image.platform })) ??
        (await resolveBaseImage(choice.base.ref, {
          platform: choice.pool.image.platform,
          relativeTo: catalog.directory,
          registry: clients.baseSource(),
        }));
      // Refused here, before anything is built, when the cluster could not check the same policy.
      const policy = choice.pool.modelValidation?.enabled
        ? inClusterPolicy(verified.signature, requirements)
        : undefined;
      const imageInput: ImagePlanInput = {
        files: verified.files,
        pool: choice.pool,
        base,
        model: { name: version.model, version: version.version, digest: verified.digest },
        sourceDateEpoch: inputs.sourceDateEpoch,
        tags: imageTags(version.version, choice.pool.name),
        signature: verified.signatureFile,
      };
      const image = planImage(imageInput);
      return {
        clients,
        target,
        base,
        imageInput,
        image,
        cluster: clusterPlan(context, target),
        ...(policy &&
          image.signaturePath && { modelValidation: { policy, signaturePath: image.signaturePath } }),
      };
    },
    ({ image, target, cluster }) =>
      `${image.layers.length} model layer(s) on ${image.base.reference}${image.base.digest ? `@${image.base.digest}` : ''}` +
      `, to ${target?.name ?? 'an OCI layout'}; ${cluster ? 'deploy to the cluster' : 'render manifests only (no cluster)'}`,
  );
}

/**
 * Deploys when told which cluster (the `kubeconfig` input), or when the environment names one
 * (KUBECONFIG, in-cluster) and the image goes to a registry a cluster can pull from. Without a
 * registry the image is only a layout on this machine: rendering the manifests is all that makes
 * sense, and a developer's KUBECONFIG must not turn `npm run demo` into a deploy.
 */
function clusterPlan(
  context: PromotionContext,
  target: RegistryImageTarget | undefined,
): ClusterPlan | undefined {
  const { inputs, env } = context;
  const source = clusterSource(inputs.kubeconfig, env);
  if (source === undefined || (source !== 'input' && !target)) return undefined;
  return { allowLayoutImages: acceptsLayoutImages(inputs.kubeconfig, env) };
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

/**
 * The interface of the version running in the environment. It was verified when it was promoted;
 * only its interface is read here, so where the registry can list a version without downloading it,
 * just the bytes the interface needs are fetched (declarations, safetensors headers), not the model.
 */
async function runningInterface(
  registry: ModelRegistry,
  model: string,
  version: string,
): Promise<ModelInterface | undefined> {
  if (registry.listVersion) {
    const listing = await registry.listVersion(model, version);
    return extractInterface(listedFiles(listing.label, listing.files, listing.signatureName, tmpdir()));
  }
  const running = await registry.resolve(model, version);
  return extractInterface(await folderFiles(running.directory, running.signatureName));
}
