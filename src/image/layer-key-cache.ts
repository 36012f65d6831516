/**
 * A LayerDigestStore in one JSON file (`layer-digests.json` in the cache folder). Small: one line
 * per layer ever built here, the oldest dropped past `maxEntries`. A missing or unreadable file is
 * an empty store; a failed write is reported to the logger and costs only a re-read next time.
 *
 * Trust: an entry lets a build put a blob in the image without reading it, so the file must be
 * written only by this tool on this machine (it never leaves the cache folder). Do not restore it
 * from a cache a less trusted job can write.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Logger, silentLogger } from '../logger.js';
import { isDigest } from '../oci/digest.js';
import type { LayerDigest, LayerDigestStore } from './layer-key.js';

export const LAYER_DIGESTS_FILE = 'layer-digests.json';

export interface LayerKeyCacheOptions {
  readonly logger?: Logger;
  /** Entries kept; the oldest written go first. Default 10,000 (about 1.5 MB). */
  readonly maxEntries?: number;
}

interface FileShape {
  readonly version: 1;
  readonly layers: Record<string, LayerDigest>;
}

export class LayerKeyCache implements LayerDigestStore {
  readonly path: string;
  private loaded: Promise<Map<string, LayerDigest>> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly logger: Logger;

  /** `folder`: the `cache-dir` input's folder, or DownloadCache.defaultRoot(env). */
  constructor(
    folder: string,
    private readonly options: LayerKeyCacheOptions = {},
  ) {
    this.path = join(folder, LAYER_DIGESTS_FILE);
    this.logger = options.logger ?? silentLogger;
  }

  async get(key: string): Promise<LayerDigest | undefined> {
    return (await this.load()).get(key);
  }

  async set(key: string, value: LayerDigest): Promise<void> {
    const layers = await this.load();
    layers.delete(key); // re-inserted last: Map order is the eviction order
    layers.set(key, { digest: value.digest, size: value.size });
    const max = this.options.maxEntries ?? 10_000;
    for (const oldest of layers.keys()) {
      if (layers.size <= max) break;
      layers.delete(oldest);
    }
    // Writes in turn, each with the whole map as it stands (so the last one holds every set).
    this.writing = this.writing.then(() => this.save(layers));
    await this.writing;
  }

  private load(): Promise<Map<string, LayerDigest>> {
    this.loaded ??= readFile(this.path, 'utf8').then(
      (text) => parse(text),
      () => new Map<string, LayerDigest>(),
    );
    return this.loaded;
  }

  private async save(layers: Map<string, LayerDigest>): Promise<void> {
    const shape: FileShape = { version: 1, layers: Object.fromEntries(layers) };
    const temp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(temp, `${JSON.stringify(shape)}\n`);
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      this.logger.warn(
        `could not remember layer digests in ${this.path} (${error instanceof Error ? error.message : String(error)}); the next push of this model reads it again`,
      );
    }
  }
}

/** Only well-formed entries count; anything else in the file is ignored. */
function parse(text: string): Map<string, LayerDigest> {
  const layers = new Map<string, LayerDigest>();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return layers;
  }
  const shape = value as Partial<FileShape> | null;
  if (shape?.version !== 1 || typeof shape.layers !== 'object' || shape.layers === null) return layers;
  for (const [key, entry] of Object.entries(shape.layers)) {
    const { digest, size } = (entry ?? {}) as Partial<LayerDigest>;
    if (
      /^[a-f0-9]{64}$/.test(key) &&
      typeof digest === 'string' &&
      isDigest(digest) &&
      Number.isSafeInteger(size) &&
      (size as number) >= 0
    )
      layers.set(key, { digest, size: size as number });
  }
  return layers;
}
