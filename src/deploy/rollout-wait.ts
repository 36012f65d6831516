/**
 * Waits for a rollout by watching: the Deployment (kubectl's rules) and its pods (fail fast on a
 * crash loop or an image pull back-off), printing `ready x/y` every few seconds; or a KServe
 * InferenceService's Ready condition.
 */
import type { Logger } from '../logger.js';
import { DeployError } from './cluster-error.js';
import { collectionPath, type KubeCluster, type LiveObject } from './cluster.js';
import { watchUntil } from './cluster-watch.js';
import {
  deploymentRolloutState,
  fatalPodProblem,
  inferenceServiceState,
  progressLine,
  type DeploymentView,
  type InferenceServiceView,
  type PodView,
  unschedulablePod,
} from './rollout-status.js';

export interface RolloutWaitOptions {
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Progress line period; default 3000 ms. */
  readonly progressEveryMs?: number;
  /** Fail at once on a fatal pod state (CrashLoopBackOff, ImagePullBackOff...); default true. */
  readonly failFast?: boolean;
}

export interface RolloutDone {
  readonly object: LiveObject;
  /** When the watch delivered the completing event (epoch ms). */
  readonly noticedAt: number;
  readonly seconds: number;
}

function selectorOf(d: LiveObject): string {
  const labels =
    (d.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels ??
    {};
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Waits until the Deployment has rolled out `image`; throws DeployError rollout-failed otherwise. */
export async function waitForDeployment(
  cluster: KubeCluster,
  deployment: LiveObject,
  image: string,
  options: RolloutWaitOptions,
): Promise<RolloutDone> {
  const started = Date.now();
  const { name, namespace } = deployment.metadata;
  const generation = deployment.metadata.generation ?? 0;
  const label = `deployment/${name}`;
  let last = '';
  const current = (caches: ReadonlyArray<ReadonlyMap<string, LiveObject>>) => caches[0]?.get(name);
  const object = await watchUntil(
    cluster,
    [
      { path: collectionPath('apps/v1', 'Deployment', namespace), fieldSelector: `metadata.name=${name}` },
      { path: collectionPath('v1', 'Pod', namespace), labelSelector: selectorOf(deployment) },
    ],
    (caches) => {
      const d = current(caches);
      if (!d) throw new DeployError('failed', 'rollout-failed', `${label} was deleted during the rollout`);
      // A watch event older than our apply says nothing about it.
      if ((d.metadata.generation ?? 0) < generation) return undefined;
      const state = deploymentRolloutState(d as DeploymentView);
      if (state.phase === 'complete') return d;
      if (state.phase === 'failed') {
        throw new DeployError(
          'failed',
          'rollout-failed',
          `${label}: ${state.message}`,
          'see the pod events and log tail',
        );
      }
      if (options.failFast !== false) {
        const problem = fatalPodProblem(caches[1]?.values() as Iterable<PodView>, image);
        if (problem)
          throw new DeployError(
            'failed',
            'rollout-failed',
            `${label}: ${problem}`,
            'see the pod events and log tail',
          );
      }
      return undefined;
    },
    {
      timeoutMs: options.timeoutMs,
      onInterruption: (message) => options.logger.warn(message),
      onTimeout: (caches) => {
        const d = current(caches);
        const pending = unschedulablePod(caches[1]?.values() as Iterable<PodView>);
        return new DeployError(
          'failed',
          'rollout-failed',
          `${label}: not rolled out after ${Math.round(options.timeoutMs / 1000)} s (${d ? `${progressLine(d as DeploymentView)}; ${deploymentRolloutState(d as DeploymentView).message}` : 'not found'})${pending ? `; ${pending}` : ''}`,
          pending
            ? "no node can take the pods: check the pool's nodeSelector, tolerations and resources against the cluster's nodes (kubectl describe nodes)"
            : 'raise rollout-timeout, or see the pod events and log tail for why pods are not ready',
        );
      },
      tick: {
        everyMs: options.progressEveryMs ?? 3000,
        run: (caches) => {
          const d = current(caches);
          if (!d) return;
          const line = `${label}: ${progressLine(d as DeploymentView)}`;
          const state = deploymentRolloutState(d as DeploymentView);
          options.logger.info(line === last ? `${line}: ${state.message}` : line);
          last = line;
        },
      },
    },
  );
  const noticedAt = Date.now();
  options.logger.info(`${label}: ${progressLine(object as DeploymentView)}: successfully rolled out`);
  return { object, noticedAt, seconds: (noticedAt - started) / 1000 };
}

/** Waits until the InferenceService is Ready for its current generation. */
export async function waitForInferenceService(
  cluster: KubeCluster,
  isvc: LiveObject,
  options: RolloutWaitOptions,
): Promise<RolloutDone> {
  const started = Date.now();
  const { name, namespace } = isvc.metadata;
  const generation = isvc.metadata.generation ?? 0;
  const label = `inferenceservice/${name}`;
  const object = await watchUntil(
    cluster,
    [
      {
        path: collectionPath(isvc.apiVersion ?? 'serving.kserve.io/v1beta1', 'InferenceService', namespace),
        fieldSelector: `metadata.name=${name}`,
      },
    ],
    (caches) => {
      const now = caches[0]?.get(name);
      if (!now) throw new DeployError('failed', 'rollout-failed', `${label} was deleted during the rollout`);
      if ((now.metadata.generation ?? 0) < generation) return undefined;
      const state = inferenceServiceState(now as InferenceServiceView);
      if (state.phase === 'complete') return now;
      if (state.phase === 'failed' && options.failFast !== false) {
        throw new DeployError('failed', 'rollout-failed', `${label}: ${state.message}`);
      }
      return undefined;
    },
    {
      timeoutMs: options.timeoutMs,
      onInterruption: (message) => options.logger.warn(message),
      onTimeout: (caches) => {
        const now = caches[0]?.get(name);
        return new DeployError(
          'failed',
          'rollout-failed',
          `${label}: not Ready after ${Math.round(options.timeoutMs / 1000)} s (${now ? inferenceServiceState(now as InferenceServiceView).message : 'not found'})`,
          'raise rollout-timeout, or see the InferenceService conditions (kubectl describe isvc)',
        );
      },
      tick: {
        everyMs: options.progressEveryMs ?? 3000,
        run: (caches) => {
          const now = caches[0]?.get(name);
          if (now)
            options.logger.info(`${label}: ${inferenceServiceState(now as InferenceServiceView).message}`);
        },
      },
    },
  );
  const noticedAt = Date.now();
  options.logger.info(`${label}: Ready`);
  return { object, noticedAt, seconds: (noticedAt - started) / 1000 };
}
