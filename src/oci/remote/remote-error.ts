import { PromotionError } from '../../errors.js';

/** Failures talking to an OCI registry; each names the registry, the object and what was tried. */
export type OciRegistryErrorCode =
  | 'reference-invalid'
  | 'registry-insecure'
  | 'registry-unreachable'
  | 'registry-unauthorized'
  | 'registry-denied'
  | 'manifest-unknown'
  | 'platform-unknown'
  | 'manifest-rejected'
  | 'manifest-too-large'
  | 'blob-too-large'
  | 'blob-unknown'
  | 'blob-upload-failed'
  | 'digest-mismatch'
  | 'registry-response-invalid'
  | 'registry-error'
  | 'credentials-invalid'
  | 'credential-helper-failed'
  | 'push-incomplete';

export class OciRegistryError extends PromotionError<OciRegistryErrorCode> {
  override readonly name = 'OciRegistryError';
}

/** One entry of the distribution spec's error body `{"errors":[{code,message,detail}]}`. */
export interface RegistryErrorEntry {
  readonly code: string;
  readonly message?: string;
  readonly detail?: unknown;
}

/** The spec's error codes from a response body; [] when the body is not the spec's shape. */
export function parseErrorBody(text: string): RegistryErrorEntry[] {
  try {
    const value = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(value.errors)) return [];
    return value.errors.flatMap((e: unknown) => {
      const entry = e as Partial<RegistryErrorEntry> | null;
      return entry && typeof entry.code === 'string'
        ? [
            {
              code: entry.code,
              ...(typeof entry.message === 'string' ? { message: entry.message } : {}),
              detail: entry.detail,
            },
          ]
        : [];
    });
  } catch {
    return [];
  }
}

/** `MANIFEST_INVALID: manifest invalid (detail)` for each entry, or the start of the raw body. */
export function describeErrorBody(text: string): string {
  const entries = parseErrorBody(text);
  if (entries.length === 0) return text.trim().slice(0, 200) || 'no error body';
  return entries
    .map((e) => {
      const detail =
        e.detail === undefined || e.detail === null ? '' : ` (${JSON.stringify(e.detail).slice(0, 200)})`;
      return `${e.code}${e.message ? `: ${e.message}` : ''}${detail}`;
    })
    .join('; ');
}
