/**
 * Which cluster to talk to, through @kubernetes/client-node: the `kubeconfig` input (a path, or the
 * content itself), else KUBECONFIG, else the in-cluster service account. client-node brings
 * tokens, client certificates, OIDC and exec credential plugins (EKS, GKE, AKS). The pool's
 * `context` picks a context (unknown: a usage error naming the contexts there are).
 */
import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { DeployError } from './cluster-error.js';

export interface ClusterAccessInput {
  /** The `kubeconfig` input: a file path or the kubeconfig text. */
  readonly kubeconfig?: string;
  /** The pool's (or cluster entry's) context; default: the kubeconfig's current context. */
  readonly context?: string;
  /** Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

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

export function loadKubeConfig(input: ClusterAccessInput): KubeConfig {
  const env = input.env ?? process.env;
  const source = clusterSource(input.kubeconfig, env);
  const kc = new KubeConfig();
  try {
    switch (source) {
      case 'input': {
        const text = input.kubeconfig ?? '';
        if (looksLikeContent(text)) kc.loadFromString(text);
        else if (existsSync(text.trim())) kc.loadFromFile(text.trim());
        else {
          // The input is a secret: it may be content that merely looks like a path. Never echo it.
          throw new DeployError(
            'usage',
            'kubeconfig-invalid',
            'the kubeconfig input names no file that exists, and is not kubeconfig content',
            'pass the kubeconfig file path, or its content (YAML with apiVersion, clusters, users, contexts)',
          );
        }
        break;
      }
      case 'KUBECONFIG': {
        // KUBECONFIG may list several files (path-list separator), merged as kubectl merges them.
        const files = (env.KUBECONFIG ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
        const missing = files.filter((file) => !existsSync(file));
        if (missing.length === files.length) {
          throw new DeployError(
            'usage',
            'kubeconfig-invalid',
            `KUBECONFIG names ${missing.join(', ')}, which does not exist`,
            'point KUBECONFIG at a kubeconfig file, or pass the kubeconfig input',
          );
        }
        kc.loadFromDefault({}, false);
        break;
      }
      case 'in-cluster':
        kc.loadFromCluster();
        break;
      default:
        throw new DeployError(
          'usage',
          'no-cluster',
          'no cluster to deploy to: no kubeconfig input, no KUBECONFIG, and not running in a cluster',
          'pass the kubeconfig input (a path or the content, from a secret)',
        );
    }
  } catch (error) {
    if (error instanceof DeployError) throw error;
    throw new DeployError(
      'usage',
      'kubeconfig-invalid',
      `reading the kubeconfig (${source}): ${withoutSource(error)}`,
      'check that the kubeconfig is valid YAML with clusters, users and contexts',
      // The parser's error quotes the kubeconfig's text (tokens included): it is not kept as cause.
    );
  }
  if (input.context !== undefined) selectContext(kc, input.context);
  else if (!kc.getCurrentContext() || !kc.getContextObject(kc.getCurrentContext())) {
    throw new DeployError(
      'usage',
      'unknown-context',
      `the kubeconfig has no current context (contexts: ${contextNames(kc)})`,
      'set current-context in the kubeconfig, or the pool context in the catalog',
    );
  }
  return kc;
}

/**
 * What is wrong with a kubeconfig, without its text: YAML errors (js-yaml's in client-node, yaml's
 * here) quote the lines around the fault, which may hold a token or a client key. Their first line
 * is the reason and the position only.
 */
function withoutSource(error: unknown): string {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/:$/, '');
  if (error instanceof Error && /YAML/.test(error.name)) return `it is not valid YAML (${first})`;
  if (error instanceof SyntaxError) return 'it is not valid JSON';
  return first;
}

function contextNames(kc: KubeConfig): string {
  const names = kc.getContexts().map((c) => c.name);
  return names.length ? names.join(', ') : 'none';
}

export function selectContext(kc: KubeConfig, context: string): void {
  if (!kc.getContextObject(context)) {
    throw new DeployError(
      'usage',
      'unknown-context',
      `context "${context}" is not in the kubeconfig (contexts: ${contextNames(kc)})`,
      'set the pool context in the catalog to one of these, or pass a kubeconfig that has it',
    );
  }
  kc.setCurrentContext(context);
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
