/**
 * A TEST DOUBLE OF KSERVE'S CONTROLLER (and the Knative Serving it drives). KServe's real
 * InferenceService CRD is installed (test-plane.ts), so the API server validates and stores what
 * model-promote applies; this loop plays the controller's part for the predictor, with real
 * objects that the real controllers and the node agent act on:
 *
 * - each generation of an InferenceService gets a revision: a Deployment
 *   `NAME-predictor-0000G-deployment` running the predictor's pod spec, owned by the
 *   InferenceService (so deleting it deletes the revision);
 * - a Service `NAME-predictor` routes to the latest ready revision, as Knative's route does, and
 *   older revisions are removed once a newer one is Ready;
 * - the status says what Knative would: Ready once the revision's pods are available,
 *   `RevisionFailed` with the container's reason when its pods crash or cannot pull.
 *
 * Not done: autoscaling (KPA/HPA), scale to zero, transformers and explainers, the Knative ingress.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster, type LiveObject } from '../../src/deploy/cluster.js';

const GROUP = '/apis/serving.kserve.io/v1beta1';

export interface KServeController {
  close(): Promise<void>;
}

interface Predictor {
  minReplicas?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  containers?: Array<{ name?: string; image?: string; ports?: Array<{ containerPort: number }> }>;
  [field: string]: unknown;
}

const iso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function startKServeController(kubeconfig: string, periodMs = 300): Promise<KServeController> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const api = new KubeCluster(kc);
  let stopped = false;
  const json = { 'Content-Type': 'application/json' };
  const apply = (path: string, object: unknown) =>
    api.request('PATCH', `${path}?fieldManager=kserve-controller&force=true`, JSON.stringify(object), {
      'Content-Type': 'application/apply-patch+yaml',
    });

  const revisionName = (isvc: LiveObject, generation: number) =>
    `${isvc.metadata.name}-predictor-${String(generation).padStart(5, '0')}`;

  async function reconcile(isvc: LiveObject): Promise<void> {
    const { name, namespace = 'default', uid = '' } = isvc.metadata;
    const generation = isvc.metadata.generation ?? 1;
    const predictor = ((isvc.spec as { predictor?: Predictor } | undefined)?.predictor ?? {}) as Predictor;
    const {
      minReplicas,
      maxReplicas: _max,
      scaleMetric: _m,
      scaleTarget: _t,
      labels,
      annotations,
      ...podSpec
    } = predictor;
    const revision = revisionName(isvc, generation);
    const owner = {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      name,
      uid,
      controller: true,
    };
    const podLabels = {
      ...labels,
      'serving.kserve.io/inferenceservice': name,
      'serving.knative.dev/revision': revision,
    };
    const ns = `/namespaces/${namespace}`;
    const applied = await apply(`/apis/apps/v1${ns}/deployments/${revision}-deployment`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `${revision}-deployment`, namespace, ownerReferences: [owner], labels: podLabels },
      spec: {
        replicas: Math.max(1, minReplicas ?? 1),
        progressDeadlineSeconds: 600,
        selector: { matchLabels: { 'serving.knative.dev/revision': revision } },
        template: { metadata: { labels: podLabels, ...(annotations ? { annotations } : {}) }, spec: podSpec },
      },
    });
    if (applied.status >= 300)
      throw new Error(`revision ${namespace}/${revision}: ${applied.status} ${applied.body}`);
    const deployment = JSON.parse(applied.body) as LiveObject & {
      status?: {
        availableReplicas?: number;
        updatedReplicas?: number;
        conditions?: Array<{ type: string; reason?: string }>;
      };
    };
    const pods = await api.list(`/api/v1${ns}/pods`, {
      labelSelector: `serving.knative.dev/revision=${revision}`,
    });
    let failure: string | undefined;
    for (const pod of pods.items) {
      type Status = {
        image?: string;
        state?: { waiting?: { reason?: string; message?: string } };
        lastState?: { terminated?: { exitCode?: number; message?: string } };
      };
      const statuses = (pod.status as { containerStatuses?: Status[] } | undefined)?.containerStatuses ?? [];
      for (const s of statuses) {
        const waiting = s.state?.waiting;
        if (waiting?.reason === 'CrashLoopBackOff') {
          const last = s.lastState?.terminated;
          failure = `Container failed with: ${last?.message ?? `exit code ${last?.exitCode ?? '?'}`}`;
        } else if (waiting?.reason === 'ImagePullBackOff' || waiting?.reason === 'ErrImagePull') {
          failure = waiting.message ?? `Back-off pulling image "${s.image}"`;
        }
      }
    }
    const desired = (deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const ready =
      !failure &&
      (deployment.status?.availableReplicas ?? 0) >= desired &&
      (deployment.status?.updatedReplicas ?? 0) >= desired &&
      (deployment.metadata.generation ?? 0) <=
        ((deployment.status as { observedGeneration?: number })?.observedGeneration ?? 0);
    const previous = isvc.status as
      { components?: { predictor?: { latestReadyRevision?: string } } } | undefined;
    const latestReady = ready ? revision : previous?.components?.predictor?.latestReadyRevision;
    if (latestReady) {
      const port = podSpec.containers?.[0]?.ports?.[0]?.containerPort ?? 8080;
      await apply(`/api/v1${ns}/services/${name}-predictor`, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `${name}-predictor`, namespace, ownerReferences: [owner] },
        spec: {
          selector: { 'serving.knative.dev/revision': latestReady },
          ports: [{ name: 'http', port: 80, targetPort: port }],
        },
      });
    }
    if (ready) {
      // Older revisions are no longer routed to: remove them, as Knative scales them away.
      const all = await api.list(`/apis/apps/v1${ns}/deployments`, {
        labelSelector: `serving.kserve.io/inferenceservice=${name}`,
      });
      for (const old of all.items) {
        if (old.metadata.name !== `${revision}-deployment`) {
          await api.request('DELETE', `/apis/apps/v1${ns}/deployments/${old.metadata.name}`, undefined, json);
        }
      }
    }
    const condition = (type: string) =>
      ready
        ? { type, status: 'True', lastTransitionTime: iso() }
        : {
            type,
            status: failure ? 'False' : 'Unknown',
            reason: failure ? 'RevisionFailed' : 'RevisionMissing',
            message: failure
              ? `Revision "${revision}" failed with message: ${failure}.`
              : `Revision "${revision}" is not ready yet.`,
            lastTransitionTime: iso(),
          };
    const status = {
      observedGeneration: generation,
      conditions: [
        { type: 'IngressReady', status: 'True', lastTransitionTime: iso() },
        condition('PredictorReady'),
        condition('Ready'),
      ],
      components: {
        predictor: {
          latestCreatedRevision: revision,
          ...(latestReady ? { latestReadyRevision: latestReady } : {}),
        },
      },
      ...(latestReady
        ? {
            url: `http://${name}.${namespace}.example.com`,
            address: { url: `http://${name}-predictor.${namespace}.svc.cluster.local` },
          }
        : {}),
    };
    const comparable = (s: unknown) =>
      JSON.stringify(s, (k, v: unknown) => (k === 'lastTransitionTime' ? undefined : v));
    if (comparable(status) !== comparable(isvc.status)) {
      await api.request(
        'PATCH',
        `${GROUP}${ns}/inferenceservices/${name}/status`,
        JSON.stringify({ status }),
        {
          'Content-Type': 'application/merge-patch+json',
        },
      );
    }
  }

  // A resync loop, not a watch: a few InferenceServices at a time, and simple to reason about.
  const loop = (async () => {
    while (!stopped) {
      try {
        const { items } = await api.list(`${GROUP}/inferenceservices`);
        for (const isvc of items)
          if (!isvc.metadata.deletionTimestamp) await reconcile(isvc).catch(() => undefined);
      } catch {
        // The API server may be restarting; the next pass tries again.
      }
      await new Promise((resolve) => setTimeout(resolve, periodMs));
    }
  })();
  return {
    async close() {
      stopped = true;
      await loop;
    },
  };
}
