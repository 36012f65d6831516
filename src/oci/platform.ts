import { OciError } from './oci-error.js';
import type { Platform } from './types.js';

/** `linux/amd64`, `linux/arm64/v8` -> Platform. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw new OciError(
      'usage',
      'platform-invalid',
      `platform ${JSON.stringify(text)} is not OS/ARCH[/VARIANT]`,
      'write it like linux/amd64 or linux/arm64/v8',
    );
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** arm64 images without a variant are v8, as containerd normalises them. */
function variantOf(p: Platform): string | undefined {
  if (p.variant) return p.variant;
  return p.architecture === 'arm64' ? 'v8' : undefined;
}

/**
 * Whether `candidate` runs where `wanted` asks. A wanted variant must match (arm64 defaults to v8);
 * without one any variant of the architecture does.
 */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  if (wanted.os !== candidate.os || wanted.architecture !== candidate.architecture) return false;
  const want = variantOf(wanted);
  return wanted.variant === undefined || want === variantOf(candidate);
}
