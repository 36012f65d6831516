/**
 * The Sigstore public-good trusted root for keyless policies that name no root of their own: the
 * copy shipped inside @sigstore/tuf, refreshed through TUF when the network allows. A refresh that
 * fails (no network, a slow mirror) is never an error: the shipped root is as trustworthy, only
 * perhaps missing keys rotated in since this release.
 */
import { getTrustedRoot } from '@sigstore/tuf';
import type { Logger } from '../logger.js';

export interface RefreshOptions {
  readonly logger: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** The TUF mirror; default the public-good one (tests point it at loopback). */
  readonly mirrorURL?: string;
  readonly timeoutMs?: number;
  /** Where TUF keeps its metadata; default @sigstore/tuf's own cache folder. */
  readonly cachePath?: string;
}

/** The refreshed root, or undefined to use the shipped one. */
export async function refreshPublicGoodRoot(options: RefreshOptions): Promise<unknown> {
  const env = options.env ?? process.env;
  if (env.MODEL_PROMOTE_OFFLINE === '1') {
    options.logger.debug(
      'MODEL_PROMOTE_OFFLINE=1: using the Sigstore public-good root shipped with model-promote',
    );
    return undefined;
  }
  try {
    const root = await getTrustedRoot({
      timeout: options.timeoutMs ?? 5000,
      retry: false,
      ...(options.mirrorURL && { mirrorURL: options.mirrorURL }),
      ...(options.cachePath && { cachePath: options.cachePath }),
    });
    options.logger.debug('Sigstore public-good trusted root refreshed through TUF');
    return root;
  } catch (error) {
    options.logger.info(
      `Sigstore trusted root: TUF refresh failed (${error instanceof Error ? error.message : String(error)}); ` +
        'using the copy shipped with model-promote',
    );
    return undefined;
  }
}
