/**
 * The cluster, as deploy/ needs it: server-side apply, read, replace, delete, list, watch, pod
 * logs, events and raw requests (the service proxy), all on @kubernetes/client-node. Every failure
 * becomes a DeployError naming the verb, the object and the cluster.
 */
import http from 'node:http';
import https from 'node:https';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { apiFailure, isNotFound } from './cluster-error.js';

export const FIELD_MANAGER = 'model-promote';
/** The manager of our rollbacks (non-apply writes): see apply.ts for why it has its own name. */
export const ROLLBACK_MANAGER = 'model-promote-rollback';

/** An object as the API holds it: name and namespace known. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

export type LiveObject = KubernetesObject & {
  metadata: NonNullable<KubernetesObject['metadata']> & { name: string };
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
};

/** Plurals of the kinds deploy/ watches or lists by path (user manifests go through discovery). */
const PLURALS: Record<string, string> = {
  ConfigMap: 'configmaps',
  Service: 'services',
  Pod: 'pods',
  Event: 'events',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  Lease: 'leases',
  InferenceService: 'inferenceservices',
  ModelValidation: 'modelvalidations',
  Namespace: 'namespaces',
};

/** `/apis/apps/v1/namespaces/NS/deployments`: the collection path of a kind we know. */
export function collectionPath(apiVersion: string, kind: string, namespace?: string): string {
  const plural = PLURALS[kind];
  if (!plural) throw new Error(`deploy: no collection path known for kind ${kind}`);
  const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}/${plural}` : `${root}/${plural}`;
}

export const displayName = (o: { kind?: string; metadata?: { name?: string } }) =>
  `${o.kind ?? 'Object'}/${o.metadata?.name ?? ''}`;

export interface RawResponse {
  readonly status: number;
  readonly body: string;
}

export interface ApplyOptions {
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly fieldManager?: string;
}

export class KubeCluster {
  readonly objects: KubernetesObjectApi;
  /** The context's name: how messages name the cluster. */
  readonly name: string;

  constructor(readonly kc: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.name = kc.getCurrentContext();
  }

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  private action(verb: string, o: { kind?: string; metadata?: { name?: string; namespace?: string } }) {
    return {
      verb,
      kind: o.kind ?? 'Object',
      ...(o.metadata?.name ? { name: o.metadata.name } : {}),
      ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
      cluster: this.name,
    };
  }

  async apply(object: KubernetesObject, options: ApplyOptions = {}): Promise<LiveObject> {
    try {
      return (await this.objects.patch(
        object,
        undefined,
        options.dryRun ? 'All' : undefined,
        options.fieldManager ?? FIELD_MANAGER,
        options.force ?? false,
        PatchStrategy.ServerSideApply,
      )) as LiveObject;
    } catch (error) {
      throw apiFailure(error, this.action('patch', object));
    }
  }

  /** The live object, or undefined when there is none. */
  async read(ref: ObjectRef): Promise<LiveObject | undefined> {
    try {
      return (await this.objects.read({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: {
          name: ref.metadata.name,
          ...(ref.metadata.namespace ? { namespace: ref.metadata.namespace } : {}),
        },
      })) as LiveObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw apiFailure(error, this.action('get', ref));
    }
  }

  /** PUT: a non-apply write under ROLLBACK_MANAGER (restoring a snapshot). */
  async replace(object: KubernetesObject): Promise<LiveObject> {
    try {
      return (await this.objects.replace(object, undefined, undefined, ROLLBACK_MANAGER)) as LiveObject;
    } catch (error) {
      throw apiFailure(error, this.action('update', object));
    }
  }

  /** JSON patch (RFC 6902), as `kubectl rollout undo` sends it; a non-apply write under `fieldManager`. */
  async jsonPatch(
    ref: ObjectRef,
    operations: unknown[],
    fieldManager = ROLLBACK_MANAGER,
  ): Promise<LiveObject> {
    const path = `${collectionPath(ref.apiVersion, ref.kind, ref.metadata.namespace)}/${encodeURIComponent(ref.metadata.name)}`;
    let res: RawResponse;
    try {
      res = await this.request(
        'PATCH',
        `${path}?fieldManager=${encodeURIComponent(fieldManager)}`,
        JSON.stringify(operations),
        {
          'Content-Type': 'application/json-patch+json',
        },
      );
    } catch (error) {
      throw apiFailure(error, this.action('patch', ref));
    }
    if (res.status !== 200) throw apiFailure({ code: res.status, body: res.body }, this.action('patch', ref));
    return JSON.parse(res.body) as LiveObject;
  }

  /** Deletes with background propagation; a missing object is fine. */
  async delete(ref: ObjectRef): Promise<void> {
    try {
      await this.objects.delete(
        { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { ...ref.metadata } },
        undefined,
        undefined,
        undefined,
        undefined,
        'Background',
      );
    } catch (error) {
      if (isNotFound(error)) return;
      throw apiFailure(error, this.action('delete', ref));
    }
  }

  /** A raw request with the kubeconfig's credentials (TLS, token, exec plugin, client certs). */
  async request(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
    timeoutMs = 30_000,
  ): Promise<RawResponse> {
    const url = new URL(`${this.server.replace(/\/+$/, '')}${path}`);
    // Node frames a DELETE body only with an explicit length (it sends no chunked DELETE by default).
    const length = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
    const options: https.RequestOptions = {
      method,
      headers: { Accept: 'application/json', ...length, ...headers },
    };
    await this.kc.applyToHTTPSOptions(options);
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<RawResponse>((resolve, reject) => {
      const req = transport.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () =>
        req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)),
      );
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** LIST a collection path: the items and the resourceVersion to watch from. */
  async list(
    path: string,
    query: { labelSelector?: string; fieldSelector?: string } = {},
  ): Promise<{ items: LiveObject[]; resourceVersion: string }> {
    const params = new URLSearchParams();
    if (query.labelSelector) params.set('labelSelector', query.labelSelector);
    if (query.fieldSelector) params.set('fieldSelector', query.fieldSelector);
    const qs = params.toString();
    let res: RawResponse;
    try {
      res = await this.request('GET', `${path}${qs ? `?${qs}` : ''}`);
    } catch (error) {
      throw apiFailure(error, { verb: 'list', kind: path.split('/').pop() ?? path, cluster: this.name });
    }
    if (res.status !== 200) {
      const ns = /\/namespaces\/([^/]+)\//.exec(path)?.[1];
      throw apiFailure(
        { code: res.status, body: res.body },
        {
          verb: 'list',
          kind: path.split('/').pop() ?? path,
          ...(ns ? { namespace: ns } : {}),
          cluster: this.name,
        },
      );
    }
    const list = JSON.parse(res.body) as { items?: LiveObject[]; metadata?: { resourceVersion?: string } };
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  /** Starts a WATCH; `done` is called once when it ends (error or server close). */
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, object: LiveObject) => void,
    done: (error: unknown) => void,
  ): Promise<AbortController> {
    return new Watch(this.kc).watch(path, query, (type, object: LiveObject) => onEvent(type, object), done);
  }

  /** The last `lines` lines of a pod's log, or why there is none (a pod not started has no log). */
  async logTail(namespace: string, pod: string, lines: number, container?: string): Promise<string> {
    const query = new URLSearchParams({ tailLines: String(lines), ...(container ? { container } : {}) });
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${query}`;
    try {
      const res = await this.request('GET', path, undefined, { Accept: 'text/plain, application/json' });
      if (res.status === 200) return res.body;
      let message = res.body;
      try {
        message = (JSON.parse(res.body) as { message?: string }).message ?? res.body;
      } catch {
        // a plain-text answer is the message itself
      }
      return `(no log: ${message.trim()})`;
    } catch (error) {
      return `(no log: ${error instanceof Error ? error.message : String(error)})`;
    }
  }
}
