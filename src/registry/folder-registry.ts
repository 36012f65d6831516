/**
 * The embedded-default registry: a folder a person can read and write by hand.
 *
 *   REGISTRY/
 *     MODEL/
 *       model.yaml               aliases and labels shared by every version (optional)
 *       VERSION.yaml             this version's labels and description (optional)
 *       VERSION/                 exactly the model's files, plus model.sig
 *       VERSION.promotions.jsonl promotion history, appended by model-promote
 *
 * Metadata sits beside the version folder, not inside it, so that it is never part of the signed
 * model: anything inside VERSION/ must be covered by the signature.
 */
import { open, readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { silentLogger, type Logger } from '../logger.js';
import type { ModelRegistry, ModelVersion, PromotionHistoryEntry, VersionInfo } from './model-version.js';
import { RegistryError } from './registry-error.js';

export const SIGNATURE_FILE = 'model.sig';

const labelsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const modelMetadataSchema = z
  .object({
    description: z.string().optional(),
    labels: labelsSchema.default({}),
    aliases: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({}),
  })
  .strict();

const versionMetadataSchema = z
  .object({
    description: z.string().optional(),
    labels: labelsSchema.default({}),
  })
  .strict();

type ModelMetadata = z.infer<typeof modelMetadataSchema>;

/** Version names are folder names: keep them to characters that cannot escape the model folder. */
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class FolderRegistry implements ModelRegistry {
  constructor(
    readonly root: string,
    private readonly logger: Logger = silentLogger,
  ) {}

  async resolve(model: string, versionOrAlias: string): Promise<ModelVersion> {
    const modelDir = await this.modelDirectory(model);
    const metadata = await readMetadata(path.join(modelDir, 'model.yaml'), modelMetadataSchema, {
      labels: {},
      aliases: {},
    });
    const versions = await this.versions(modelDir);
    const version = resolveVersion(model, versionOrAlias, metadata, versions);
    const versionDir = await this.versionDirectory(modelDir, model, version);
    const versionMetadata = await readMetadata(
      path.join(modelDir, `${version}.yaml`),
      versionMetadataSchema,
      {
        labels: {},
      },
    );
    const signaturePath = path.join(versionDir, SIGNATURE_FILE);
    const signature = await stat(signaturePath).catch(() => undefined);
    if (!signature?.isFile()) {
      throw new RegistryError(
        'refused',
        'signature-missing',
        `${model} version ${version} has no signature: ${signaturePath} ${signature ? 'is not a file' : 'does not exist'}`,
        `sign the version (model-promote sign ${versionDir} --private-key KEY) or add its model.sig`,
      );
    }
    return {
      registry: this.root,
      model,
      version,
      requested: versionOrAlias,
      aliases: Object.entries(metadata.aliases)
        .filter(([, target]) => target === version)
        .map(([alias]) => alias)
        .sort(),
      labels: { ...metadata.labels, ...versionMetadata.labels },
      directory: versionDir,
      signaturePath,
      signatureName: SIGNATURE_FILE,
    };
  }

  /**
   * Appends one line in one write (O_APPEND), so concurrent writers never interleave; a line a
   * crashed writer left without its newline is ended first, so it spoils only itself.
   */
  async recordPromotion(version: VersionInfo, entry: PromotionHistoryEntry): Promise<void> {
    const file = path.join(await this.modelDirectory(version.model), `${version.version}.promotions.jsonl`);
    try {
      const handle = await open(file, 'a+');
      try {
        const { size } = await handle.stat();
        const last = Buffer.alloc(1);
        if (size > 0) await handle.read(last, 0, 1, size - 1);
        const unterminated = size > 0 && last[0] !== 0x0a;
        await handle.write(`${unterminated ? '\n' : ''}${JSON.stringify(entry)}\n`);
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw new RegistryError(
        'failed',
        'history-write-failed',
        `writing the promotion history ${file}: ${(error as Error).message}`,
        'make the registry folder writable',
        { cause: error },
      );
    }
  }

  /** Every readable history line; a line that is not one (a crashed writer's) is skipped with a warning. */
  async history(model: string): Promise<PromotionHistoryEntry[]> {
    const modelDir = await this.modelDirectory(model);
    const files = (await readdir(modelDir)).filter((name) => name.endsWith('.promotions.jsonl'));
    const entries: PromotionHistoryEntry[] = [];
    for (const name of files.sort(compareVersions)) {
      const text = await readFile(path.join(modelDir, name), 'utf8');
      for (const [index, line] of text.split('\n').entries()) {
        if (!line.trim()) continue;
        const entry = historyEntry(line);
        if (entry) entries.push(entry);
        else this.logger.warn(`${model}/${name} line ${index + 1} is not a promotion record: skipped`);
      }
    }
    return entries.sort((a, b) => a.time.localeCompare(b.time));
  }

  /**
   * The version's folder. A version that is a symbolic link is followed only to a folder inside the
   * registry, and the log says so: a link elsewhere would let the registry's content come from
   * anywhere on the machine.
   */
  private async versionDirectory(modelDir: string, model: string, version: string): Promise<string> {
    const link = path.join(modelDir, version);
    const target = await realpath(link).catch(() => undefined);
    if (target === link) return link;
    const root = await realpath(this.root);
    const inside = target !== undefined && !path.relative(root, target).startsWith('..');
    if (!target || !inside || !(await isDirectory(target))) {
      const where = !target
        ? 'nothing (a broken link)'
        : inside
          ? `${target}, not a folder`
          : `${target}, outside the registry folder`;
      throw new RegistryError(
        'usage',
        'version-link-outside',
        `${model} version ${version} is a symbolic link to ${where}`,
        `make ${link} a folder of the registry, or link it to a version folder inside ${this.root}`,
      );
    }
    this.logger.info(`${model} version ${version} is a symbolic link: reading it from ${target}`);
    return target;
  }

  private async modelDirectory(model: string): Promise<string> {
    if (!(await isDirectory(this.root))) {
      throw new RegistryError(
        'usage',
        'registry-not-found',
        `registry folder ${this.root} does not exist`,
        'pass --registry with the path of a registry folder (see README: "The registry folder")',
      );
    }
    if (!VERSION_PATTERN.test(model)) {
      throw new RegistryError(
        'usage',
        'unknown-model',
        `model name "${model}" is not a valid folder name`,
        'name a model folder of the registry (letters, digits, ".", "_", "-"; no "/" or "..")',
      );
    }
    const dir = path.join(this.root, model);
    if (!(await isDirectory(dir))) {
      const known = await subdirectories(this.root);
      throw new RegistryError(
        'usage',
        'unknown-model',
        `model "${model}" is not in registry ${this.root}`,
        known.length ? `use one of: ${known.join(', ')}` : 'the registry holds no models yet',
      );
    }
    return dir;
  }

  private async versions(modelDir: string): Promise<string[]> {
    return (await subdirectories(modelDir)).filter((name) => VERSION_PATTERN.test(name));
  }
}

/** A version number or name wins over an alias of the same spelling; `latest` means the highest version. */
export function resolveVersion(
  model: string,
  versionOrAlias: string,
  metadata: Pick<ModelMetadata, 'aliases'>,
  versions: readonly string[],
): string {
  if (versions.includes(versionOrAlias)) return versionOrAlias;
  const aliased = metadata.aliases[versionOrAlias];
  if (aliased !== undefined) {
    if (!versions.includes(aliased)) {
      throw new RegistryError(
        'usage',
        'invalid-metadata',
        `alias "${versionOrAlias}" of ${model} points at version ${aliased}, which does not exist`,
        `fix the alias in ${model}/model.yaml`,
      );
    }
    return aliased;
  }
  if (versionOrAlias === 'latest' && versions.length > 0) return [...versions].sort(compareVersions).at(-1)!;
  const choices = [...[...versions].sort(compareVersions), ...Object.keys(metadata.aliases).sort()];
  throw new RegistryError(
    'usage',
    'unknown-version',
    `${model} has no version or alias "${versionOrAlias}"`,
    choices.length ? `use one of: ${choices.join(', ')}` : `${model} has no versions yet`,
  );
}

/** Numeric-aware order, so that 10 comes after 9. */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

async function readMetadata<T extends z.ZodType>(
  file: string,
  schema: T,
  empty: z.output<T>,
): Promise<z.output<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty;
    throw error;
  }
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (error) {
    throw new RegistryError(
      'usage',
      'invalid-metadata',
      `${file}: ${(error as Error).message}`,
      'fix the YAML',
    );
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RegistryError(
      'usage',
      'invalid-metadata',
      `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      'see README "The registry folder" for the metadata format',
    );
  }
  return parsed.data;
}

/**
 * Folders, and symbolic links (whatever they point at), so that no version is invisible: `latest`
 * must never skip one a person can see. `versionDirectory` decides whether a link may be followed.
 */
async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(compareVersions);
}

function historyEntry(line: string): PromotionHistoryEntry | undefined {
  try {
    const entry = JSON.parse(line) as Partial<PromotionHistoryEntry> | null;
    return entry && typeof entry === 'object' && typeof entry.time === 'string'
      ? (entry as PromotionHistoryEntry)
      : undefined;
  } catch {
    return undefined;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}
