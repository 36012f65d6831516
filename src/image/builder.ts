/**
 * The Containerfile builders, for pools that need system packages on top of their base: buildah
 * (daemonless, storage in a temporary folder) or docker (buildx, as on GitHub runners). The build
 * context holds only the verified model files (copied through the content check, or hard-linked),
 * never the model folder as it is. Every command is an argv array run without a shell; the argv is
 * built by pure functions tested case by case.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../logger.js';
import type { BuildInput } from './build.js';
import { BuilderError } from './builder-error.js';
import {
  type ContainerfileBase,
  CONTEXT_MODEL_DIR,
  CONTEXT_SIGNATURE_FILE,
  renderContainerfile,
} from './containerfile.js';
import type { BaseImage } from './base-image.js';
import type { ModelFile } from './layer-plan.js';
import { planImage } from './plan.js';
import type { ContentCheckHook } from '../oci/tar-layer.js';

import type { BuilderConfig } from '../environments/catalog-schema.js';

export type { BuilderConfig };
export type BuilderKind = BuilderConfig['kind'];

export interface ContainerfileBuildInput extends Omit<BuildInput, 'directory' | 'openFile'> {
  /** Folder holding the files: a Containerfile build copies them into its context. */
  readonly directory: string;
  /** The pool's extra steps. */
  readonly steps: readonly string[];
  /** Re-checks each file's bytes while it is copied into the context (then it is copied, not linked). */
  readonly check?: ContentCheckHook;
}

export interface ContainerfileTarget {
  /** `ghcr.io`, `127.0.0.1:5000` */
  readonly registry: string;
  /** `org/model` */
  readonly repository: string;
  /** Plain HTTP / no TLS verification (loopback registries, or insecure-registry). */
  readonly insecure?: boolean;
  /** For the target registry only (buildah gets it in a private auth file; docker uses `docker login`). */
  readonly credential?: { readonly username: string; readonly password: string };
}

export interface ContainerfileBuildResult {
  readonly digest: string;
  /** `HOST/REPO@sha256:...` */
  readonly reference: string;
  readonly tags: readonly string[];
  readonly containerfile: string;
}

export type CommandRunner = (
  file: string,
  args: readonly string[],
  options: { readonly cwd?: string },
) => Promise<{ stdout: string; stderr: string }>;

export interface ContainerfileBuildOptions {
  /** Parent of the temporary folder (context, storage); default the OS temp folder. */
  readonly tempDir?: string;
  /** Runs the builder programs; default execFile. */
  readonly run?: CommandRunner;
}

// ---------------------------------------------------------------- argv (pure)

export interface BuildahStorage {
  readonly root: string;
  readonly runroot: string;
}

function storageArgs(storage: BuildahStorage): string[] {
  return ['--root', storage.root, '--runroot', storage.runroot, '--storage-driver', 'vfs'];
}

function annotationArgs(annotations: Readonly<Record<string, string>>): string[] {
  return Object.entries(annotations).flatMap(([key, value]) => ['--annotation', `${key}=${value}`]);
}

export interface BuildahBudArgs {
  readonly storage: BuildahStorage;
  readonly containerfile: string;
  readonly context: string;
  /** Local name of the built image. */
  readonly image: string;
  readonly platform: string;
  readonly sourceDateEpoch: number;
  readonly annotations: Readonly<Record<string, string>>;
  /** Pull the base without TLS verification. */
  readonly insecureBase?: boolean;
}

export function buildahBudArgv(a: BuildahBudArgs): string[] {
  return [
    ...storageArgs(a.storage),
    'bud',
    '--isolation',
    'chroot',
    '--timestamp',
    String(a.sourceDateEpoch),
    '--platform',
    a.platform,
    '--identity-label=false',
    ...(a.insecureBase ? ['--tls-verify=false'] : []),
    ...annotationArgs(a.annotations),
    '-f',
    a.containerfile,
    '-t',
    a.image,
    a.context,
  ];
}

export interface BuildahPushArgs {
  readonly storage: BuildahStorage;
  readonly image: string;
  /** `HOST/REPO:TAG` */
  readonly destination: string;
  readonly digestFile: string;
  readonly insecure?: boolean;
  readonly authFile?: string;
}

export function buildahPushArgv(a: BuildahPushArgs): string[] {
  return [
    ...storageArgs(a.storage),
    'push',
    '--format',
    'oci',
    '--digestfile',
    a.digestFile,
    ...(a.insecure ? ['--tls-verify=false'] : []),
    ...(a.authFile ? ['--authfile', a.authFile] : []),
    a.image,
    `docker://${a.destination}`,
  ];
}

export interface DockerBuildArgs {
  readonly containerfile: string;
  readonly context: string;
  /** `HOST/REPO:TAG`, each pushed. */
  readonly destinations: readonly string[];
  readonly platform: string;
  readonly sourceDateEpoch: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly metadataFile: string;
  readonly insecure?: boolean;
}

/**
 * `docker buildx build ... --output type=registry,...`: one command builds and pushes every tag.
 * No provenance or SBOM attestations (they would turn the image into an index), OCI media types,
 * file times rewritten to SOURCE_DATE_EPOCH; the digest is read from the metadata file.
 */
export function dockerBuildArgv(a: DockerBuildArgs): string[] {
  const output = [
    'type=registry',
    'oci-mediatypes=true',
    'rewrite-timestamp=true',
    ...(a.insecure ? ['registry.insecure=true'] : []),
  ].join(',');
  return [
    'buildx',
    'build',
    '--platform',
    a.platform,
    '--build-arg',
    `SOURCE_DATE_EPOCH=${a.sourceDateEpoch}`,
    '--provenance=false',
    '--sbom=false',
    ...annotationArgs(a.annotations),
    '--metadata-file',
    a.metadataFile,
    '-f',
    a.containerfile,
    ...a.destinations.flatMap((d) => ['-t', d]),
    '--output',
    output,
    a.context,
  ];
}

/** The Containerfile's view of the base the plan resolved. */
export function containerfileBase(base: BaseImage): ContainerfileBase {
  if (base.reference === 'scratch') return { kind: 'scratch' };
  if (base.reference.startsWith('oci-layout:') || !base.name || !base.digest) {
    throw new BuilderError(
      'usage',
      'builder-base-unsupported',
      `the Containerfile builder cannot start from ${base.reference}: it needs scratch or a registry image`,
      `copy the base to a registry (skopeo copy oci:DIR:TAG docker://HOST/REPO:TAG) and name it in the catalog`,
    );
  }
  return { kind: 'registry', name: base.name, digest: base.digest };
}

// ---------------------------------------------------------------- the build

/**
 * Builds the model image from a generated Containerfile with buildah or docker and pushes it under
 * the plan's tags to `target`. Returns the pushed manifest's digest.
 */
export async function buildWithContainerfile(
  input: ContainerfileBuildInput,
  kind: BuilderKind,
  target: ContainerfileTarget,
  logger: Logger,
  options: ContainerfileBuildOptions = {},
): Promise<ContainerfileBuildResult> {
  const plan = planImage(input);
  const containerfile = renderContainerfile({
    base: containerfileBase(input.base),
    plan,
    steps: input.steps,
    title: `model-promote: ${input.model.name} v${input.model.version} for pool ${input.pool.name}`,
  });
  const run = options.run ?? execFileRunner;
  const temp = await mkdtemp(path.join(options.tempDir ?? tmpdir(), 'model-promote-build-'));
  const repo = `${target.registry}/${target.repository}`;
  try {
    const context = path.join(temp, 'context');
    const file = path.join(temp, 'Containerfile');
    await writeFile(file, containerfile);
    const copied = await prepareContext(
      input.directory,
      input.files,
      path.join(context, CONTEXT_MODEL_DIR),
      input.check,
    );
    if (input.signature) await stageSignature(input.signature, path.join(context, CONTEXT_SIGNATURE_FILE));
    logger.info(`build context: ${input.files.length} verified files (${copied})`);
    const sourceDateEpoch = input.sourceDateEpoch ?? 0;
    let digest: string;
    if (kind === 'buildah') {
      const storage = { root: path.join(temp, 'root'), runroot: path.join(temp, 'runroot') };
      const image = `localhost/model-promote-build:${path
        .basename(temp)
        .toLowerCase()
        .replace(/[^a-z0-9_.-]/g, '-')}`;
      await runBuilder(
        run,
        logger,
        'buildah',
        buildahBudArgv({
          storage,
          containerfile: file,
          context,
          image,
          platform: plan.platform,
          sourceDateEpoch,
          annotations: plan.config.annotations,
          ...(target.insecure ? { insecureBase: true } : {}),
        }),
      );
      const authFile = target.credential ? await writeAuthFile(temp, target) : undefined;
      const digestFile = path.join(temp, 'digest');
      digest = '';
      for (const tag of plan.tags) {
        await runBuilder(
          run,
          logger,
          'buildah',
          buildahPushArgv({
            storage,
            image,
            destination: `${repo}:${tag}`,
            digestFile,
            ...(target.insecure ? { insecure: true } : {}),
            ...(authFile ? { authFile } : {}),
          }),
        );
        const pushed = (await readFile(digestFile, 'utf8').catch(() => '')).trim();
        if (digest && pushed !== digest) {
          throw new BuilderError(
            'failed',
            'builder-digest-unknown',
            `buildah pushed ${repo}:${tag} as ${pushed}, the first tag as ${digest}`,
          );
        }
        digest = pushed;
      }
    } else {
      const metadataFile = path.join(temp, 'metadata.json');
      await runBuilder(
        run,
        logger,
        'docker',
        dockerBuildArgv({
          containerfile: file,
          context,
          destinations: plan.tags.map((tag) => `${repo}:${tag}`),
          platform: plan.platform,
          sourceDateEpoch,
          annotations: plan.config.annotations,
          metadataFile,
          ...(target.insecure ? { insecure: true } : {}),
        }),
      );
      digest = await digestFromMetadata(metadataFile);
    }
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw new BuilderError(
        'failed',
        'builder-digest-unknown',
        `${kind} did not report the digest it pushed to ${repo} (got ${JSON.stringify(digest)})`,
      );
    }
    logger.info(`${kind} pushed ${repo}@${digest} as ${plan.tags.join(', ')}`);
    return { digest, reference: `${repo}@${digest}`, tags: plan.tags, containerfile };
  } finally {
    await rm(temp, { recursive: true, force: true }).catch((error: unknown) =>
      logger.warn(
        `removing the build folder ${temp}: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }
}

/**
 * Puts exactly `files` under `dir`: copied through `check` when given (the context then holds bytes
 * checked against the signature), else hard-linked (copied across file systems). Returns how.
 */
export async function prepareContext(
  directory: string,
  files: readonly ModelFile[],
  dir: string,
  check?: ContentCheckHook,
): Promise<'checked copies' | 'hard links'> {
  await mkdir(dir, { recursive: true });
  for (const file of files) {
    const from = path.join(directory, ...file.path.split('/'));
    const to = path.join(dir, ...file.path.split('/'));
    await mkdir(path.dirname(to), { recursive: true });
    if (check) {
      const content = await check(file.path, file.size);
      let size = 0;
      await pipeline(
        createReadStream(from, { highWaterMark: 4 * 1024 * 1024 }),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.byteLength;
            content.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(to, { mode: 0o644 }),
      );
      if (size !== file.size) {
        throw new BuilderError(
          'failed',
          'builder-failed',
          `model file ${file.path} has ${size} bytes, ${file.size} were verified`,
          'the model folder changed after verification: run the promotion again',
        );
      }
      content.finish();
    } else {
      await link(from, to).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EXDEV' && error.code !== 'EPERM') throw error;
        await copyFile(from, to);
      });
    }
  }
  return check ? 'checked copies' : 'hard links';
}

/** Writes the verified signature's bytes into the build context. */
export async function stageSignature(
  signature: NonNullable<ContainerfileBuildInput['signature']>,
  to: string,
): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  await writeFile(to, signature.bytes, { mode: 0o644 });
}

async function writeAuthFile(temp: string, target: ContainerfileTarget): Promise<string> {
  const { username, password } = target.credential!;
  const file = path.join(temp, 'auth.json');
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  await writeFile(file, JSON.stringify({ auths: { [target.registry]: { auth } } }), { mode: 0o600 });
  return file;
}

async function digestFromMetadata(file: string): Promise<string> {
  try {
    const metadata = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const digest = metadata['containerimage.digest'];
    return typeof digest === 'string' ? digest : '';
  } catch {
    return '';
  }
}

async function runBuilder(
  run: CommandRunner,
  logger: Logger,
  program: string,
  args: readonly string[],
): Promise<void> {
  logger.debug(`running ${program} ${args.join(' ')}`);
  try {
    const { stderr } = await run(program, args, {});
    for (const line of stderr.split('\n').filter(Boolean).slice(-5)) logger.debug(`${program}: ${line}`);
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (e.code === 'ENOENT') {
      throw new BuilderError(
        'usage',
        'builder-missing',
        `${program} is not installed (or not on PATH)`,
        `install ${program}, or remove builder: from the pool to build without a daemon`,
        { cause: error },
      );
    }
    const tail = `${e.stderr ?? ''}\n${e.stdout ?? ''}`
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-6)
      .join(' | ');
    throw new BuilderError(
      'failed',
      'builder-failed',
      `${program} ${args.find((a) => ['bud', 'push', 'build'].includes(a)) ?? ''} failed: ${tail || e.message}`,
      `run the command by hand to see the whole log: ${program} ${args.join(' ')}`,
      { cause: error },
    );
  }
}

const execFileRunner: CommandRunner = (file, args, options) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
