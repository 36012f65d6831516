/**
 * The cluster's kubeconfig, loaded by @kubernetes/client-node, which brings tokens, client
 * certificates, OIDC and exec credential plugins (EKS, GKE, AKS). The pool's `context` picks a
 * context (unknown: a usage error naming the contexts there are).
 */
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { clusterSource, looksLikeContent, withoutSource } from './cluster-access.js';
import { DeployError } from './cluster-error.js';

export interface ClusterAccessInput {
  /** The `kubeconfig` input: a file path or the kubeconfig text. */
  readonly kubeconfig?: string;
  /** The pool's (or cluster entry's) context; default: the kubeconfig's current context. */
  readonly context?: string;
  /** Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
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
