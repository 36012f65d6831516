import type { DownloadCache, RemoteFile } from './download-cache.js';
import type { Logger } from '../logger.js';

/** What names a model version and selects its pool, wherever its bytes are. */
export interface VersionInfo {
  /** The registry, as the user named it (a folder path or a URI). */
  readonly registry: string;
  readonly model: string;
  /** The concrete version, after alias resolution. */
  readonly version: string;
  /** What the user asked for: the version itself or an alias such as `champion`. */
  readonly requested: string;
  /** Aliases that point at this version now. */
  readonly aliases: readonly string[];
  /** The version's labels (hardware, workload, ...): they select the compute pool. */
  readonly labels: Readonly<Record<string, string>>;
  /** File name of the signature among the version's files, ignored when hashing the model. */
  readonly signatureName: string;
}

/**
 * A model version as the pipeline sees it, whatever registry it came from. Registries that keep
 * files remotely materialise them into a local folder (a cache keyed by digest) before handing the
 * version on, so signing and image building read plain files.
 */
export interface ModelVersion extends VersionInfo {
  /** Local folder holding exactly the model's files (and possibly its signature). */
  readonly directory: string;
  /** Path of the OMS signature bundle (`model.sig`). */
  readonly signaturePath: string;
  /**
   * sha256 hex by path of the files a remote registry downloaded and hashed while writing them,
   * in this run (never files found in the cache). Pass it to verifyModel as `knownDigests` so those
   * files are not read twice; everything else is hashed as usual.
   */
  readonly knownDigests?: ReadonlyMap<string, string>;
}

/**
 * A remote version to stream (a streamed promotion): its files as listed, none read, and its
 * signature's bytes (small: read whole, not verified yet).
 */
export interface ListedVersion extends VersionInfo {
  /** Names the version in messages: `sentiment v3 from https://mlflow.example.com`. */
  readonly label: string;
  /** The model's files, the signature left out; each opens from its first byte. */
  readonly files: readonly RemoteFile[];
  readonly signature: Uint8Array;
}

/** One past promotion, as written back to the registry. */
export interface PromotionHistoryEntry {
  readonly promotionId: string;
  readonly environment: string;
  readonly version: string;
  readonly status: 'succeeded' | 'failed' | 'refused' | 'planned';
  readonly time: string;
  readonly image?: string;
  readonly pool?: string;
  readonly reason?: string;
  /**
   * How long the promotion took, first stage to report, in seconds. Entries written before it was
   * recorded have none: they count for success rates, not for durations.
   */
  readonly durationSeconds?: number;
}

/** A version's files as its registry lists them, none downloaded. */
export interface VersionListing {
  /** The concrete version, after alias resolution. */
  readonly version: string;
  /** Names the version in messages: `sentiment v3 from https://mlflow.example.com`. */
  readonly label: string;
  /** Each opens as a stream from its first byte; nothing is cached or verified. */
  readonly files: readonly RemoteFile[];
  readonly signatureName: string;
}

/**
 * Which promotions history() gives back: every one (the default), only the latest of each version
 * to each environment (MLflow's tags: a later promotion overwrites them), or none (Hugging Face
 * keeps no history). Statistics over the history say which they counted.
 */
export type HistoryKeeps = 'every-promotion' | 'latest-per-version' | 'nothing';

export interface ModelRegistry {
  /** What history() keeps; absent means every promotion. */
  readonly historyKeeps?: HistoryKeeps;
  /** Finds a version by number or alias; reads its labels; never modifies the registry. */
  resolve(model: string, versionOrAlias: string): Promise<ModelVersion>;
  /**
   * Lists a version's files without downloading them, so reading a few bytes of each (the running
   * version's interface) costs a few bytes, not the model. Remote registries have it; a folder
   * registry leaves it out, since its resolve() reads nothing.
   */
  listVersion?(model: string, versionOrAlias: string): Promise<VersionListing>;
  /**
   * Like resolve, but downloads only the signature: the model's files are streamed by the build.
   * Remote registries have it.
   */
  resolveListed?(model: string, versionOrAlias: string): Promise<ListedVersion>;
  /** Writes the promotion's outcome onto the version (its history). */
  recordPromotion(version: VersionInfo, entry: PromotionHistoryEntry): Promise<void>;
  /** Past promotions of a model (all versions, all environments), oldest first. */
  history(model: string): Promise<PromotionHistoryEntry[]>;
}

/** What every remote registry (MLflow, Hugging Face) is opened with. */
export interface RemoteRegistryOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** Keeps tokens and passwords out of the log. */
  readonly mask?: (secret: string) => void;
  readonly cache: Pick<DownloadCache, 'materialize'>;
  /** Replaces the global fetch (tests). */
  readonly fetch?: typeof fetch;
  /** Retries of a failing request or download; default 4 (requests) and 3 (downloads). */
  readonly retries?: number;
  readonly retryDelayMs?: number;
}
