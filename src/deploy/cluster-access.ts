/**
 * Which cluster to talk to: the `kubeconfig` input (a path, or the content itself), else
 * KUBECONFIG, else the in-cluster service account. What the plan needs to know before deciding to
 * deploy; kubeconfig.ts loads it with @kubernetes/client-node when it does, so a promotion that
 * only renders manifests never loads the client.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DeployError } from './cluster-error.js';

export type ClusterSource = 'input' | 'KUBECONFIG' | 'in-cluster';

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Where the cluster comes from, or undefined: then manifests are only rendered (no deploy). */
export function clusterSource(
  kubeconfig: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ClusterSource | undefined {
  if (kubeconfig?.trim()) return 'input';
  if (env.KUBECONFIG?.trim()) return 'KUBECONFIG';
  if (env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) return 'in-cluster';
  return undefined;
}

/** Kubeconfig content rather than a path: several lines, or YAML/JSON that starts like one. */
export function looksLikeContent(text: string): boolean {
  return text.includes('\n') || /^\s*(\{|apiVersion:|kind:|clusters:|current-context:)/.test(text);
}

/**
 * What is wrong with a kubeconfig, without its text: YAML errors (js-yaml's in client-node, yaml's
 * here) quote the lines around the fault, which may hold a token or a client key. Their first line
 * is the reason and the position only.
 */
export function withoutSource(error: unknown): string {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/:$/, '');
  if (error instanceof Error && /YAML/.test(error.name)) return `it is not valid YAML (${first})`;
  if (error instanceof SyntaxError) return 'it is not valid JSON';
  return first;
}

/**
 * The kubeconfig extension a cluster entry carries when its pods can run an image straight from an
 * OCI layout on this machine. Only the test cluster (test/control-plane/) writes it: a real node can
 * only pull from a registry, so without it a layout image is refused before anything is applied.
 */
export const LOCAL_LAYOUTS_EXTENSION = 'model-promote.dev/local-oci-layouts';

export function acceptsLayoutImages(
  kubeconfig: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const source = clusterSource(kubeconfig, env);
  let text: string | undefined;
  if (source === 'input' && kubeconfig) {
    text = looksLikeContent(kubeconfig) ? kubeconfig : readIfExists(kubeconfig.trim());
  } else if (source === 'KUBECONFIG') {
    text = readIfExists(env.KUBECONFIG!.split(':')[0]!.trim());
  }
  if (!text) return false;
  type Named<T> = { name?: string } & T;
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new DeployError(
      'usage',
      'kubeconfig-invalid',
      `reading the kubeconfig (${source}): ${withoutSource(error)}`,
      'check that the kubeconfig is valid YAML with clusters, users and contexts',
    );
  }
  const config = (parsed ?? {}) as {
    'current-context'?: string;
    contexts?: Named<{ context?: { cluster?: string } }>[];
    clusters?: Named<{ cluster?: { extensions?: Named<object>[] } }>[];
  };
  const clusterName = config.contexts?.find((c) => c.name === config['current-context'])?.context?.cluster;
  const cluster = config.clusters?.find((c) => c.name === clusterName)?.cluster;
  return cluster?.extensions?.some((e) => e.name === LOCAL_LAYOUTS_EXTENSION) ?? false;
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
