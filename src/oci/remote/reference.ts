/** Image references as the distribution reference grammar writes them: `[HOST[:PORT]/]REPO[:TAG][@DIGEST]`. */
import { OciRegistryError } from './remote-error.js';

export interface ImageReference {
  /** As written (`docker.io` for Docker Hub, `127.0.0.1:5000`, `ghcr.io`). */
  readonly registry: string;
  /** `library/ubuntu`, `org/serving` */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::[0-9]+)?$/;

export const DOCKER_HUB = 'docker.io';

function invalid(text: string, problem: string): OciRegistryError {
  return new OciRegistryError(
    'usage',
    'reference-invalid',
    `image reference ${JSON.stringify(text)} ${problem}`,
    'write it like ghcr.io/org/model:1.0, 127.0.0.1:5000/demo:latest or REPO@sha256:<64 hex>',
  );
}

export function parseImageReference(text: string): ImageReference {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(text, 'has a digest that is not sha256:<64 hex>');
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasHost =
    slash >= 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  const registry = hasHost ? first : DOCKER_HUB;
  if (hasHost && !HOST.test(registry))
    throw invalid(text, `has an invalid registry host ${JSON.stringify(registry)}`);
  let path = hasHost ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(text, `has an invalid tag ${JSON.stringify(tag)}`);
  }
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (!REPOSITORY.test(path)) throw invalid(text, `has an invalid repository ${JSON.stringify(path)}`);
  return { registry, repository: path, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The tag or digest to ask the registry for: the digest when both are given, else `latest`. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Docker Hub's API lives at registry-1.docker.io; every other registry at its own name. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB || registry === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}

/** The host name without port or brackets. */
export function hostName(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']'));
  const colon = registry.lastIndexOf(':');
  return colon >= 0 ? registry.slice(0, colon) : registry;
}

/** 127.0.0.0/8, ::1 and localhost: the only registries spoken to over plain HTTP without `insecure`. */
export function isLoopback(registry: string): boolean {
  const host = hostName(registry).toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `https://HOST` (or `http://` for loopback or insecure registries). */
export function registryOrigin(registry: string, insecure = false): string {
  return `${isLoopback(registry) || insecure ? 'http' : 'https'}://${apiHost(registry)}`;
}
