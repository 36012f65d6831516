import { PromotionError, type ErrorKind } from '../errors.js';

/**
 * Every way computing or checking a model's manifest can fail. `refused` codes mean the model or
 * its signature is not acceptable; `failed` codes mean the machine could not do the work.
 */
export type SerializeErrorCode =
  /** A symlink in the model while the signature does not allow them. */
  | 'symlink-not-allowed'
  /** A socket, pipe, device or broken link: only regular files and folders can be hashed. */
  | 'unsupported-file-type'
  /** A resource name from a signature that could escape the model folder or is not canonical. */
  | 'unsafe-resource-name'
  /** The same resource named twice in a signature. */
  | 'duplicate-resource'
  /** A shard name or range that upstream would never write. */
  | 'malformed-shard'
  /** A digest that is not lowercase hex. */
  | 'malformed-digest'
  /** An ignore path that would hide the whole model. */
  | 'unsafe-ignore-path'
  /** A serialization method or hash this implementation does not know. */
  | 'unsupported-serialization'
  | 'unsupported-hash'
  /** The model's files differ from the signed manifest. */
  | 'model-mismatch'
  /** A file changed after it was verified (seen while streaming it into an image). */
  | 'model-changed'
  /** The model folder does not exist. */
  | 'model-not-found'
  /** A file could not be read while hashing (vanished, permission, I/O error). */
  | 'file-unreadable'
  /** A hashing worker died. */
  | 'hash-worker-failed'
  /** The caller's AbortSignal fired. */
  | 'aborted';

const kinds: Record<SerializeErrorCode, ErrorKind> = {
  'symlink-not-allowed': 'refused',
  'unsupported-file-type': 'refused',
  'unsafe-resource-name': 'refused',
  'duplicate-resource': 'refused',
  'malformed-shard': 'refused',
  'malformed-digest': 'refused',
  'unsafe-ignore-path': 'refused',
  'unsupported-serialization': 'refused',
  'unsupported-hash': 'refused',
  'model-mismatch': 'refused',
  'model-changed': 'refused',
  'model-not-found': 'failed',
  'file-unreadable': 'failed',
  'hash-worker-failed': 'failed',
  aborted: 'failed',
};

/** Differences found by `compareManifest`, in full (the message only names the first few). */
export interface ManifestDifferences {
  missing: string[];
  extra: string[];
  different: string[];
}

export class SerializeError extends PromotionError<SerializeErrorCode> {
  override readonly name = 'SerializeError';
  /** Set for `model-mismatch`: every name that differs. */
  readonly differences?: ManifestDifferences;

  constructor(
    code: SerializeErrorCode,
    message: string,
    hint?: string,
    options?: { cause?: unknown; differences?: ManifestDifferences },
  ) {
    super(
      kinds[code],
      code,
      message,
      hint,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    if (options?.differences) this.differences = options.differences;
  }
}
