/** The facts of one plausible promotion, for tests of the statement and its verification. */
import type { PromotionFacts } from '../../src/attest/promotion-statement.js';

export const IMAGE_DIGEST = `sha256:${'a'.repeat(64)}`;
export const OTHER_DIGEST = `sha256:${'b'.repeat(64)}`;

export function facts(overrides: Partial<PromotionFacts> = {}): PromotionFacts {
  return {
    imageName: '127.0.0.1:5000/demo',
    imageDigest: IMAGE_DIGEST,
    promotionId: '20261205T195500Z-0123abcd',
    startedAt: '2026-12-05T19:55:00.000Z',
    promotedAt: '2026-12-05T19:56:00.000Z',
    runUrl: 'https://github.com/org/repo/actions/runs/1',
    toolVersion: '0.1.0',
    model: {
      registry: 'examples/registry',
      name: 'sentiment',
      version: '2',
      requested: 'champion',
      digest: `sha256:${'c'.repeat(64)}`,
      signature: { method: 'key', signer: `sha256:${'d'.repeat(64)}`, policies: ['environment production'] },
      serialization: 'files',
      files: [{ name: 'model.onnx', algorithm: 'sha256', digest: 'e'.repeat(64) }],
    },
    environment: { name: 'production', pool: 'gpu-a100-80g', namespace: 'models' },
    image: {
      base: 'scratch',
      modelPath: '/models',
      layers: [{ digest: `sha256:${'f'.repeat(64)}`, size: 2048, files: 1 }],
    },
    manifests: [{ name: '01-deployment-sentiment.yaml', sha256: '1'.repeat(64) }],
    clusters: [{ name: 'kind', namespace: 'models', version: '2', previousVersion: '1' }],
    ...overrides,
  };
}
