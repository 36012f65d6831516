/**
 * The one error class of the cluster side of deploy/: what the API server said (a `Status`), turned
 * into one line that names the object, and a hint. Tests assert on `code`.
 */
import { PromotionError, type ErrorKind } from '../errors.js';

export type DeployErrorCode =
  /** No kubeconfig input, no KUBECONFIG and not in a cluster. */
  | 'no-cluster'
  /** The kubeconfig cannot be read or parsed. */
  | 'kubeconfig-invalid'
  /** The pool names a context the kubeconfig does not have. */
  | 'unknown-context'
  /** The pool's namespace does not exist. */
  | 'namespace-missing'
  /** Connection refused, DNS, timeout: the API server did not answer. */
  | 'cluster-unreachable'
  /** The API server's certificate is not signed by the kubeconfig's CA (or has the wrong name). */
  | 'tls-untrusted'
  /** 401: the API server refused the kubeconfig's credentials. */
  | 'unauthorized'
  /** 403 from RBAC: names the verb, resource and namespace. */
  | 'forbidden'
  /** 422 Invalid: names the field. */
  | 'invalid-manifest'
  /** Server-side apply conflict with another field manager (force not given). */
  | 'apply-conflict'
  /** Any other API failure. */
  | 'api-error'
  /** An `oci-layout:` image cannot be pulled by a real cluster. */
  | 'image-not-pullable'
  /** The Lease of the namespace and model is held by another promotion. */
  | 'lease-held'
  /** Another promotion took the Lease over while this one deployed (it had stopped renewing in time). */
  | 'lease-lost'
  /** The rollout failed (progress deadline, crash loop, image pull error) or did not finish in time. */
  | 'rollout-failed'
  /** A pod of the new ReplicaSet runs another image digest than the one pushed. */
  | 'wrong-image'
  /** The health or inference request through the service failed. */
  | 'smoke-failed'
  /** Latency p50/p95 above the pool's latencySLO. */
  | 'slo-breached'
  /** A user manifest path or glob matched nothing, or a placeholder is unknown. */
  | 'manifest-invalid'
  /** Restoring the previous objects failed too (the message says what is left). */
  | 'rollback-failed';

/** What the pods said when a rollout failed: for the record and the log. */
export interface FailureEvidence {
  readonly events: readonly string[];
  readonly logTail: readonly string[];
}

export class DeployError extends PromotionError<DeployErrorCode> {
  override readonly name = 'DeployError';
  constructor(
    kind: ErrorKind,
    code: DeployErrorCode,
    message: string,
    hint?: string,
    options?: { cause?: unknown; evidence?: FailureEvidence },
  ) {
    super(kind, code, message, hint, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.evidence) this.evidence = options.evidence;
  }
  evidence?: FailureEvidence;
}

/** A Kubernetes `Status` failure body, as far as we read it. */
export interface ApiStatus {
  readonly kind?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly message?: string;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: ReadonlyArray<{
      readonly field?: string;
      readonly reason?: string;
      readonly message?: string;
    }>;
  };
}

/** The Status of a client-node ApiException (its body is the response text or the parsed object). */
export function statusOf(error: unknown): ApiStatus | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as ApiStatus) : undefined;
    } catch {
      return { message: body };
    }
  }
  return body && typeof body === 'object' ? (body as ApiStatus) : undefined;
}

/** The HTTP code of a client-node ApiException, or undefined for a network failure. */
export function httpCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Node's TLS verification failures: the server answered, but not with a certificate we trust. */
const TLS =
  /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED|unable to verify|self[- ]signed certificate|certificate has expired|does not match certificate/i;

const NETWORK =
  /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN|socket hang up|fetch failed|certificate|self[- ]signed|UND_ERR/i;

function messageChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let i = 0; i < 5 && current; i++) {
    if (current instanceof Error) {
      parts.push(current.message, String((current as { code?: unknown }).code ?? ''));
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.filter(Boolean).join(': ');
}

export function isNotFound(error: unknown): boolean {
  return httpCodeOf(error) === 404;
}

/** What we were doing when the API failed: `patch Deployment models/sentiment-production`. */
export interface ApiAction {
  readonly verb: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly cluster?: string;
}

function describeAction(action: ApiAction): string {
  const where = action.namespace ? `${action.namespace}/` : '';
  return `${action.verb} ${action.kind}${action.name ? ` ${where}${action.name}` : where ? ` in ${action.namespace}` : ''}`;
}

/** Turns anything a client-node call threw into a DeployError naming the action and the cause. */
export function apiFailure(error: unknown, action: ApiAction): DeployError {
  if (error instanceof DeployError) return error;
  const code = httpCodeOf(error);
  const status = statusOf(error);
  const at = action.cluster ? ` (cluster ${action.cluster})` : '';
  if (code === undefined || (code === 0 && NETWORK.test(messageChain(error)))) {
    const chain = messageChain(error);
    if (TLS.test(chain)) {
      return new DeployError(
        'failed',
        'tls-untrusted',
        `the Kubernetes API server${at} is not trusted: ${chain.split('\n')[0]}`,
        "use the cluster's own CA in the kubeconfig (certificate-authority-data), and a server address its certificate names",
        { cause: error },
      );
    }
    if (NETWORK.test(chain) || code === undefined) {
      return new DeployError(
        'failed',
        'cluster-unreachable',
        `cannot reach the Kubernetes API server${at} to ${describeAction(action)}: ${chain.split('\n')[0]}`,
        'check the kubeconfig server address, the network path from this runner, and its TLS settings',
        { cause: error },
      );
    }
  }
  const message = status?.message ?? (error instanceof Error ? error.message : String(error));
  switch (code) {
    case 401:
      return new DeployError(
        'failed',
        'unauthorized',
        `the Kubernetes API server${at} refused our credentials (401 Unauthorized) to ${describeAction(action)}: ${message}`,
        "the kubeconfig's token or client certificate is wrong or expired: give a current one (for a service account: kubectl create token NAME)",
        { cause: error },
      );
    case 403:
      return new DeployError(
        'failed',
        'forbidden',
        `${describeAction(action)}${at}: forbidden: ${message}`,
        `grant the promoting identity "${action.verb}" on ${action.kind} in namespace ${action.namespace ?? '(cluster scope)'} (a Role and RoleBinding); docs/deploy.md lists every permission`,
        { cause: error },
      );
    case 422: {
      const fields = (status?.details?.causes ?? [])
        .map((c) => c.field)
        .filter((f): f is string => Boolean(f));
      return new DeployError(
        'usage',
        'invalid-manifest',
        `${describeAction(action)}${at}: invalid ${fields.length ? `field ${fields.join(', ')}` : 'manifest'}: ${message}`,
        fields.length
          ? `fix ${fields.join(', ')} in the manifest (or the pool in the catalog that renders it)`
          : 'fix the manifest',
        { cause: error },
      );
    }
    case 500: {
      // Server-side apply checks types before validation, and answers a wrong type with a 500.
      const typed = /failed to create typed patch object \([^)]*\): \.?([^:]+): (.*)$/.exec(message);
      if (typed) {
        const [, field = '', problem = ''] = typed;
        return new DeployError(
          'usage',
          'invalid-manifest',
          `${describeAction(action)}${at}: invalid field ${field}: ${problem}`,
          `fix ${field} in the manifest (or the pool in the catalog that renders it)`,
          { cause: error },
        );
      }
      break;
    }
    case 404:
      if (status?.details?.kind === 'namespaces' || /namespaces? "[^"]+" not found/.test(message)) {
        return new DeployError(
          'usage',
          'namespace-missing',
          `${describeAction(action)}${at}: namespace "${action.namespace ?? status?.details?.name ?? ''}" does not exist`,
          'create the namespace (kubectl create namespace NAME), or set the pool namespace in the catalog',
          { cause: error },
        );
      }
      break;
    case 409:
      if (status?.reason === 'Conflict' && /Apply failed/.test(message)) {
        return new DeployError(
          'failed',
          'apply-conflict',
          `${describeAction(action)}${at}: ${message.split('\n')[0]}`,
          "another field manager owns these fields: run with force: true to take them over, or remove that manager's changes",
          { cause: error },
        );
      }
      break;
  }
  return new DeployError(
    'failed',
    'api-error',
    `${describeAction(action)}${at}: ${code ? `HTTP ${code}: ` : ''}${message}`,
    undefined,
    { cause: error },
  );
}
