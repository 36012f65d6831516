/**
 * The promotion record: one value every stage appends to. The JSON file, the Markdown summary, the
 * outputs and (later) the PR comment are all renderings of it, so they never disagree.
 */
import type { DeployReport } from '../deploy/deploy.js';
import type { ExplanationRow } from '../environments/resolve-pool.js';
import type { CompatibilityResult } from '../schema/compare-interfaces.js';
import type { ErrorKind, PromotionError } from '../errors.js';
import type { EnvironmentStats } from './history-stats.js';
import { TOOL_VERSION } from '../version.js';

export type PromotionStatus = 'succeeded' | 'planned' | 'refused' | 'failed';
export type StageOutcome = 'ok' | 'failed' | 'refused' | 'skipped';

export interface StageEntry {
  readonly name: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly outcome: StageOutcome;
  readonly detail?: string;
}

export interface PromotionRecord {
  readonly schemaVersion: 1;
  readonly promotionId: string;
  readonly tool: { readonly name: 'model-promote'; readonly version: string };
  readonly startedAt: string;
  finishedAt?: string;
  status: PromotionStatus;
  readonly dryRun: boolean;
  readonly request: {
    readonly registry: string;
    readonly model: string;
    readonly version: string;
    readonly environment: string;
    readonly catalog: string;
    readonly output: string;
  };
  model?: {
    readonly name: string;
    readonly version: string;
    readonly requested: string;
    readonly aliases: readonly string[];
    readonly labels: Readonly<Record<string, string>>;
    /** The signature's subject digest: one digest for the whole signed model. */
    readonly digest: string;
    readonly files: number;
    readonly bytes: number;
    /** The version the environment ran before, from the registry's history: none on a first promotion. */
    readonly previousVersion?: string;
  };
  signature?: {
    readonly method: string;
    readonly signer: string;
    readonly issuer?: string;
    readonly signedAt?: string;
    /** Which policies the signature satisfied: the environment's own, the one given as input. */
    readonly policies: readonly string[];
  };
  environment?: {
    readonly name: string;
    readonly pool?: string;
    readonly namespace?: string;
    readonly endpoint?: string;
    readonly explanation: readonly ExplanationRow[];
  };
  image?: {
    /** Where the image is, by digest: `REPO@sha256:...` or `oci-layout:DIR@sha256:...`. */
    readonly reference: string;
    readonly digest: string;
    readonly base: string;
    readonly baseDigest?: string;
    /** The model layers (the base's are the base's): bytes of tar, files in it, digest once built. */
    readonly layers: readonly { readonly digest?: string; readonly size: number; readonly files: number }[];
    /** The model's signature in the image: its path, and its layer (the last one) once built. */
    readonly signature?: { readonly path: string; readonly digest?: string; readonly size: number };
    readonly layoutPath?: string;
    /**
     * A push to a registry, blob by blob: skipped (the repository had it), mounted (from another
     * repository of the registry: a model layer published there, nothing sent), uploaded; and the
     * body bytes sent.
     */
    readonly push?: {
      readonly blobsSkipped: number;
      readonly blobsMounted: number;
      readonly blobsUploaded: number;
      readonly bytesUploaded: number;
      readonly restarts: number;
    };
  };
  /**
   * A push that stopped before its manifest (a file that did not match its signature, a failed
   * upload): the blobs it put into the repository, which nothing references. The registry's garbage
   * collection removes them; nothing was tagged.
   */
  unreferencedBlobs?: { readonly repository: string; readonly blobs: readonly string[] };
  /** The model's interface against the version running in the environment. */
  compatibility?: CompatibilityResult;
  manifests?: {
    readonly path?: string;
    readonly objects: readonly string[];
  };
  /**
   * Referrers attached to the pushed image, by digest; `promotion` is the signed promotion
   * attestation, or `promotionFile` where it was written beside an image written as a layout.
   */
  attestations?: {
    signature?: string;
    record?: string;
    promotion?: string;
    promotionFile?: string;
    /**
     * The promotion attestation in GitHub's artifact attestations (`gh attestation verify
     * oci://IMAGE`), or why it is not there (`github-attestations: off`, or `auto` where GitHub
     * does not offer them); the referrer (`promotion`) is attached either way.
     */
    github?:
      | { id: number; repository: string }
      | { skipped: 'off' | 'unavailable'; reason: string; repository: string };
  };
  /** One entry per cluster, in promotion order; a dry run records the planned changes. */
  deploy?: readonly DeployReport[];
  /**
   * The environment's promotions of this model as the registry holds them after this one: success
   * rate, durations, last success. Absent for a dry run, a promotion that stopped before its plan,
   * and a registry that keeps no history.
   */
  history?: EnvironmentStats;
  /** Where this ran: the CI run, for links back. */
  readonly runUrl?: string;
  readonly stages: StageEntry[];
  error?: {
    readonly kind: ErrorKind;
    readonly code: string;
    readonly message: string;
    readonly hint?: string;
  };
}

/** What was asked: the inputs a record repeats, as given. */
export type PromotionRequest = PromotionRecord['request'] & { readonly dryRun: boolean };

/** A record before its first stage: status `failed` until the promotion says otherwise. */
export function newRecord(
  request: PromotionRequest,
  at: { readonly promotionId: string; readonly now: Date; readonly runUrl?: string },
): PromotionRecord {
  return {
    schemaVersion: 1,
    promotionId: at.promotionId,
    tool: { name: 'model-promote', version: TOOL_VERSION },
    startedAt: at.now.toISOString(),
    status: 'failed',
    dryRun: request.dryRun,
    request: {
      registry: request.registry,
      model: request.model,
      version: request.version,
      environment: request.environment,
      catalog: request.catalog,
      output: request.output,
    },
    ...(at.runUrl && { runUrl: at.runUrl }),
    stages: [],
  };
}

/** The error as the record keeps it: what, why and how to fix it. */
export function recordError(error: PromotionError): NonNullable<PromotionRecord['error']> {
  return {
    kind: error.kind,
    code: error.code,
    message: error.message,
    ...(error.hint && { hint: error.hint }),
  };
}

/** Sortable and unique enough to name a promotion in annotations and history. */
export function newPromotionId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${crypto.randomUUID().slice(0, 8)}`;
}
