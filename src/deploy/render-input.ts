/**
 * What manifest rendering takes and gives. Rendering is pure: the same input always yields the
 * same objects, so the plan (`--dry-run`) and the apply see identical manifests.
 */
import { PromotionError } from '../errors.js';
import type { Pool } from '../environments/catalog-schema.js';
import type { InClusterPolicy } from '../signing/in-cluster-policy.js';

export interface RenderInput {
  readonly promotionId: string;
  readonly environment: string;
  readonly pool: Pool;
  readonly model: {
    readonly name: string;
    readonly version: string;
    /** Subject digest of the signed model, `sha256:<hex>`. */
    readonly digest: string;
    /** What the user asked for (a version or an alias such as `champion`). */
    readonly requested?: string;
  };
  readonly image: {
    /** `REPO@sha256:<hex>`, or `oci-layout:PATH@sha256:<hex>` for an image kept in a layout. */
    readonly reference: string;
    readonly digest: string;
  };
  readonly signer?: { readonly method: string; readonly identity: string; readonly issuer?: string };
  readonly sourceRunUrl?: string;
  readonly previousVersion?: string;
  /**
   * For pools that ask for in-cluster model validation: the policy that admitted the model, and
   * where the image keeps its signature (render-model-validation.ts).
   */
  readonly modelValidation?: { readonly policy: InClusterPolicy; readonly signaturePath: string };
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A rendered object: plain data, ready for YAML or the API server. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type RenderErrorCode =
  /** The image reference is a tag, not `@sha256:`: the cluster could run other bytes than those verified. */
  | 'image-not-pinned'
  /** `image.digest` is not the digest inside `image.reference`. */
  | 'image-digest-mismatch'
  /** An extended resource (GPU, ...) has a request different from its limit. */
  | 'resources-mismatch'
  /** A Utilization metric scales on a resource the container does not request. */
  | 'scaling-needs-request'
  /** KServe's scaleMetric/scaleTarget cannot express the pool's autoscaling metrics. */
  | 'kserve-metrics-unsupported'
  /** The pool asks for in-cluster model validation, and the promotion has nothing to validate with. */
  | 'model-validation-unavailable'
  /** modelValidation.mountPath would hide the model, /tmp, /dev/shm or the trust files. */
  | 'model-validation-mount-invalid';

export class RenderError extends PromotionError<RenderErrorCode> {
  override readonly name = 'RenderError';
  constructor(kind: 'usage' | 'failed', code: RenderErrorCode, message: string, hint?: string) {
    super(kind, code, message, hint);
  }
}
