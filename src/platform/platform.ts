/**
 * What differs between where a promotion runs (GitHub Actions, GitLab CI, a terminal): reading
 * inputs, logging, masking, outputs, the job summary and failure annotations. The pipeline itself
 * never knows which one it is talking to.
 */
import type { SerializedBundle } from '@sigstore/bundle';
import type { PromotionError } from '../errors.js';
import type { InputReader, OutputName } from '../inputs.js';
import type { Logger } from '../logger.js';
import type { PromotionInputs } from '../inputs.js';
import type { PromotionRecord } from '../report/promotion-record.js';

export interface Platform {
  readonly name: 'github' | 'gitlab' | 'cli';
  readonly logger: Logger;
  readonly readInput: InputReader;
  /** Link to this run (GitHub Actions run, GitLab job), when there is one. */
  readonly runUrl?: string;
  /** Runs work inside a collapsible log group named for a stage. */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
  /** Keeps a secret out of every later log line. */
  mask(secret: string): void;
  setOutputs(outputs: Partial<Record<OutputName, string>>): Promise<void>;
  writeSummary(markdown: string): Promise<void>;
  /** Marks the job failed with one line; points at a file and line when the error has one. */
  fail(error: PromotionError): void;
  /**
   * Where this platform shows promotions besides the log (deployments, PR/MR comments). Without
   * inputs (they could not be read) only those that need none: GitLab's dotenv report.
   */
  reporters?(inputs: PromotionInputs | undefined): readonly PromotionReporter[];
  /**
   * The CI job's OIDC identity token for Sigstore (keyless attestation signing): sigstore-token.ts
   * for every platform. Fetched at signing time, since a token lives minutes and a rollout may take
   * longer.
   */
  readonly identityToken?: IdentityTokenSource;
  /**
   * Where this platform keeps attestations besides the image's referrers (GitHub's artifact
   * attestations), for a keyless-signed promotion of an image pushed to a registry; none where it
   * keeps none. A missing credential is a usage error here, before anything is built.
   */
  attestationStore?(inputs: PromotionInputs): AttestationStore | undefined;
}

/**
 * Stores a signed promotion attestation; a failure fails the attestation step. A store the user
 * let go (`github-attestations: off`, or `auto` where the platform does not offer it) answers
 * skipped instead, saying why.
 */
export interface AttestationStore {
  /** Where, for the log: e.g. `GitHub artifact attestations of owner/repo`. */
  readonly name: string;
  publish(bundle: SerializedBundle): Promise<PublishedAttestation | SkippedAttestation>;
}

/** The attestation as the store names it (recorded in promotion.json and the summary). */
export interface PublishedAttestation {
  readonly store: 'github';
  readonly id: number;
  /** The repository that holds it (`owner/repo`). */
  readonly repository: string;
}

/** Not stored, and why: recorded in promotion.json and the summary. */
export interface SkippedAttestation {
  readonly store: 'github';
  /** The repository it was not stored in (`owner/repo`). */
  readonly repository: string;
  /** `off`: the user turned the store off; `unavailable`: the platform does not offer it here. */
  readonly skipped: 'off' | 'unavailable';
  /** One line: why, in the platform's words where it gave some. */
  readonly reason: string;
}

/** Where the job's OIDC token comes from, and how to get one where it is missing. */
export interface IdentityTokenSource {
  /** Whether the job can get a token at all (the permission, the variable). */
  readonly available: boolean;
  /** What the user must configure for one: named in the usage error when it is missing. */
  readonly howToEnable: string;
  /** The token for audience `sigstore`, masked; a runner that refuses is an error naming why. */
  fetch(): Promise<string>;
}

/**
 * Shows a promotion where engineers work: a GitHub deployment and its statuses, a sticky PR or MR
 * comment, metrics. A reporter that fails only warns: it never changes the promotion's result.
 */
export interface PromotionReporter {
  readonly name: string;
  /** Before the first stage, e.g. a deployment marked in_progress. */
  started(inputs: PromotionInputs): Promise<void>;
  /** After the promotion, whatever its outcome. */
  finished(record: PromotionRecord, summaryMarkdown: string): Promise<void>;
}

/** Where in a file an error was found, for annotations. */
export interface ErrorLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

export function locationOf(error: PromotionError): ErrorLocation | undefined {
  const location = (error as { location?: ErrorLocation }).location;
  return location && typeof location.file === 'string' ? location : undefined;
}
