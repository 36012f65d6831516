/**
 * Renders the manifests of one promotion, in apply order. Pure: no I/O, no clock, no randomness.
 *
 * - form `deployment`: ConfigMap, Deployment, Service, then HorizontalPodAutoscaler (last: it is
 *   applied after the rollout check; absent when minReplicas == maxReplicas);
 * - form `kserve`: ConfigMap, InferenceService.
 *
 * A pool with `modelValidation` gets, after the ConfigMap and before the workload (the operator's
 * webhook reads them when each pod is created), the trust ConfigMap and the ModelValidation.
 */
import { promotionMetadata, resourceName } from './labels.js';
import { renderConfigMap } from './render-config.js';
import { renderAutoscaler, renderDeployment, renderService } from './render-deployment.js';
import { RenderError, type KubernetesObject, type RenderInput } from './render-input.js';
import { KSERVE_NAME_MAX, renderInferenceService } from './render-kserve.js';
import { renderModelValidation } from './render-model-validation.js';

export type { KubernetesObject, ObjectMeta, RenderErrorCode, RenderInput } from './render-input.js';
export { RenderError } from './render-input.js';

const PINNED = /@(sha256:[a-f0-9]{64})$/;

/** Refuses an image that is not pinned by digest: the cluster must run exactly the bytes built. */
export function pinnedDigest(image: RenderInput['image']): string {
  const match = PINNED.exec(image.reference);
  if (!match) {
    throw new RenderError(
      'usage',
      'image-not-pinned',
      `image ${image.reference} is not pinned by digest`,
      'deploy the image by digest (REPO@sha256:<64 hex>), as the build step reports it',
    );
  }
  if (match[1] !== image.digest) {
    throw new RenderError(
      'failed',
      'image-digest-mismatch',
      `image ${image.reference} does not match its digest ${image.digest}`,
      'pass the digest the image was pushed with',
    );
  }
  return match[1];
}

export function renderManifests(input: RenderInput): KubernetesObject[] {
  pinnedDigest(input.image);
  const kserve = input.pool.form === 'kserve';
  const name = resourceName(input.model.name, input.environment, kserve ? KSERVE_NAME_MAX : undefined);
  const meta = promotionMetadata(input, name);
  const configMap = renderConfigMap(input, meta);
  const validation = renderModelValidation(input, meta);
  const before = [configMap, ...(validation?.objects ?? [])];
  if (kserve)
    return [...before, renderInferenceService(input, meta, configMap.metadata.name, validation?.pod)];
  const autoscaler = renderAutoscaler(input, meta);
  return [
    ...before,
    renderDeployment(input, meta, configMap.metadata.name, validation?.pod),
    renderService(input, meta),
    ...(autoscaler ? [autoscaler] : []),
  ];
}
