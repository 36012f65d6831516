/**
 * In-cluster model validation (pure): a `ModelValidation` of sigstore/model-validation-operator
 * with the policy that admitted the model, and what the pods need for the operator's init container
 * to verify it again before the server starts.
 *
 * The operator's webhook sees a pod labelled `validation.ml.sigstore.dev/ml: NAME`, reads the
 * ModelValidation NAME in the pod's namespace, and injects an init container that runs
 * `model_signing verify <method> --signature=SIGNATURE_PATH ... MODEL_PATH` in an image of its own,
 * with the volume mounts of the pod's containers. So everything it reads must be on a volume:
 * the model image itself, mounted as an image volume (the model and its signature are in it, at
 * `mountPath` + the image paths), and the public key or trust anchors, in a ConfigMap.
 */
import { posix } from 'node:path';
import type { InClusterPolicy } from '../signing/in-cluster-policy.js';
import type { PromotionMetadata } from './labels.js';
import { shortHash } from './labels.js';
import { RenderError, type KubernetesObject, type RenderInput } from './render-input.js';

export const MODEL_VALIDATION_API_VERSION = 'ml.sigstore.dev/v1alpha1';
export const MODEL_VALIDATION_KIND = 'ModelValidation';
/** The pod label the operator's webhook looks for; its value names the ModelValidation. */
export const MODEL_VALIDATION_LABEL = 'validation.ml.sigstore.dev/ml';
/** Where the pods mount the public key or trust anchors (files `key.pub`, `anchors.pem`). */
export const TRUST_MOUNT_PATH = '/var/run/model-promote/model-trust';
const IMAGE_VOLUME = 'model-image';
const TRUST_VOLUME = 'model-trust';

/** What the promotion knows for it: the policy that admitted the model, and where the image keeps the signature. */
export interface ModelValidationInput {
  readonly policy: InClusterPolicy;
  /** In the image, e.g. `/models/model.sig`. */
  readonly signaturePath: string;
}

/** What the pod template gets. */
export interface ModelValidationPod {
  readonly labels: Record<string, string>;
  readonly volumes: Array<Record<string, unknown>>;
  readonly volumeMounts: Array<Record<string, unknown>>;
}

export interface ModelValidationParts {
  /** The trust ConfigMap (key and certificate methods), then the ModelValidation: applied before the pods. */
  readonly objects: KubernetesObject[];
  readonly pod: ModelValidationPod;
}

/** Undefined when the pool does not ask for it. */
export function renderModelValidation(
  input: RenderInput,
  meta: PromotionMetadata,
): ModelValidationParts | undefined {
  const { pool } = input;
  const asked = pool.modelValidation;
  if (!asked?.enabled) return undefined;
  const validation = input.modelValidation;
  if (!validation) {
    throw new RenderError(
      'failed',
      'model-validation-unavailable',
      `pool ${pool.name} asks for in-cluster model validation, but the promotion has no signature in the image to validate`,
    );
  }
  const { mountPath } = asked;
  checkMountPath(mountPath, pool.name, pool.image.modelPath);
  const namespace = pool.namespace;
  const labels = { ...meta.labels };
  const annotations = { ...meta.annotations };

  const trust = trustFile(validation.policy);
  const trustConfigMap: KubernetesObject | undefined = trust && {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      // Named by its content and immutable, as the server's ConfigMap: a rollback brings back pods
      // that check against their own version's key.
      name: `${meta.name}-trust-${shortHash(JSON.stringify(trust), 10)}`,
      namespace,
      labels,
      annotations,
    },
    immutable: true,
    data: { [trust.file]: trust.pem },
  };

  const spec = {
    model: {
      path: posix.join(mountPath, pool.image.modelPath),
      signaturePath: posix.join(mountPath, validation.signaturePath),
    },
    config: validationConfig(validation.policy),
  };
  const name = `${meta.name.slice(0, 63 - 9).replace(/-+$/, '')}-${shortHash(JSON.stringify(spec))}`;
  const modelValidation: KubernetesObject = {
    apiVersion: MODEL_VALIDATION_API_VERSION,
    kind: MODEL_VALIDATION_KIND,
    metadata: { name, namespace, labels, annotations },
    spec,
  };

  return {
    objects: [...(trustConfigMap ? [trustConfigMap] : []), modelValidation],
    pod: {
      labels: { [MODEL_VALIDATION_LABEL]: name },
      volumes: [
        { name: IMAGE_VOLUME, image: { reference: input.image.reference, pullPolicy: 'IfNotPresent' } },
        ...(trustConfigMap
          ? [{ name: TRUST_VOLUME, configMap: { name: trustConfigMap.metadata.name } }]
          : []),
      ],
      volumeMounts: [
        { name: IMAGE_VOLUME, mountPath, readOnly: true },
        ...(trustConfigMap ? [{ name: TRUST_VOLUME, mountPath: TRUST_MOUNT_PATH, readOnly: true }] : []),
      ],
    },
  };
}

function trustFile(policy: InClusterPolicy): { file: string; pem: string } | undefined {
  if (policy.method === 'key') return { file: 'key.pub', pem: policy.publicKey };
  if (policy.method === 'certificate') return { file: 'anchors.pem', pem: policy.anchors };
  return undefined;
}

/** The operator's `spec.config`: one method, as its webhook turns it into `model_signing verify` options. */
function validationConfig(policy: InClusterPolicy): Record<string, unknown> {
  switch (policy.method) {
    case 'keyless':
      return {
        sigstoreConfig: { certificateIdentity: policy.identity, certificateOidcIssuer: policy.issuer },
      };
    case 'key':
      // The operator calls it privateKeyConfig, and passes keyPath as `--public_key`.
      return { privateKeyConfig: { keyPath: posix.join(TRUST_MOUNT_PATH, 'key.pub') } };
    case 'certificate':
      return { pkiConfig: { certificateAuthority: posix.join(TRUST_MOUNT_PATH, 'anchors.pem') } };
  }
}

/** The image volume must not hide what the server reads: the model, /tmp, /dev/shm, the trust files. */
function checkMountPath(mountPath: string, pool: string, modelPath: string): void {
  const clash = [modelPath, '/tmp', '/dev/shm', TRUST_MOUNT_PATH].find((other) => {
    const a = `${posix.normalize(mountPath).replace(/\/+$/, '')}/`;
    const b = `${posix.normalize(other).replace(/\/+$/, '')}/`;
    return a.startsWith(b) || b.startsWith(a);
  });
  if (clash) {
    throw new RenderError(
      'usage',
      'model-validation-mount-invalid',
      `pool ${pool}: modelValidation.mountPath ${mountPath} overlaps ${clash}`,
      'mount the image where the server reads nothing, e.g. /var/run/model-promote/image',
    );
  }
}
