/** Helpers shared by the test cluster's own tests (not a test file). */
import { renderManifests } from '../../src/deploy/render.js';
import { renderInput } from '../../src/deploy/render-fixture.js';
import type { KubeObject } from './resources.js';

export const DIGEST_A = `sha256:${'a0'.repeat(32)}`;
export const DIGEST_B = `sha256:${'b0'.repeat(32)}`;
export const IMAGE_A = `registry.example.com/models/demo@${DIGEST_A}`;
export const IMAGE_B = `registry.example.com/models/demo@${DIGEST_B}`;

/** A small Deployment as our renderer shapes them (maxUnavailable 0, maxSurge 1). */
export function deployment(name: string, namespace: string, image: string, replicas = 2): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      revisionHistoryLimit: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'model-server', image, ports: [{ name: 'http', containerPort: 8080 }] }],
        },
      },
    },
  };
}

/** The manifests src/deploy renders for the fixture promotion, in namespace `namespace`. */
export function renderedManifests(
  namespace: string,
  form: 'deployment' | 'kserve' = 'deployment',
): KubeObject[] {
  const input = renderInput();
  const pool = { ...input.pool, namespace, form };
  return renderManifests({ ...input, pool }) as unknown as KubeObject[];
}

/** Polls `check` every 20 ms until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface StatusBody {
  kind?: string;
  reason?: string;
  code?: number;
  message?: string;
  details?: { causes?: Array<{ field?: string; reason?: string; message?: string }> };
}

/** The Status a client-node ApiException carries (its body is the response text or object). */
export function statusOf(error: unknown): StatusBody {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') return JSON.parse(body) as StatusBody;
  return (body ?? {}) as StatusBody;
}

export async function rejection(promise: Promise<unknown>): Promise<{ code: number; status: StatusBody }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as { code?: number }).code ?? 0, status: statusOf(error) };
  }
  throw new Error('expected the request to fail');
}
