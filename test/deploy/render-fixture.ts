/** Inputs for the rendering tests (not imported by the pipeline). */
import { poolSchema, type Pool } from '../../src/environments/catalog-schema.js';
import type { RenderInput } from '../../src/deploy/render-input.js';

export const MODEL_DIGEST = `sha256:${'a1'.repeat(32)}`;
export const IMAGE_DIGEST = `sha256:${'b2'.repeat(32)}`;
export const IMAGE = `registry.example.com/models/sentiment@${IMAGE_DIGEST}`;

/** A pool as the catalog parser yields it (defaults applied). */
export function pool(overrides: Record<string, unknown> = {}): Pool {
  return poolSchema.parse({
    name: 'gpu-a100',
    accelerator: { vendor: 'nvidia', product: 'A100-SXM4-80GB', count: 1 },
    cpu: 8,
    memory: '64Gi',
    image: { base: { default: 'scratch' } },
    scaling: { minReplicas: 2, maxReplicas: 6, targetCPUUtilization: 70 },
    namespace: 'models',
    ...overrides,
  });
}

export function renderInput(overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    promotionId: 'gh-123456-1',
    environment: 'production',
    pool: pool(),
    model: { name: 'sentiment', version: '7', digest: MODEL_DIGEST, requested: 'champion' },
    image: { reference: IMAGE, digest: IMAGE_DIGEST },
    signer: {
      method: 'keyless',
      identity: 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main',
      issuer: 'https://token.actions.githubusercontent.com',
    },
    sourceRunUrl: 'https://github.com/acme/models/actions/runs/123456/attempts/1',
    previousVersion: '6',
    ...overrides,
  };
}
