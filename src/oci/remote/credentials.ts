/**
 * Where registry credentials come from, in this order: explicit inputs (`registry-username` /
 * `registry-password`), the Docker config (`credHelpers`, `auths`, `credsStore`), `GITHUB_TOKEN`
 * for ghcr.io, `CI_REGISTRY_USER`/`CI_REGISTRY_PASSWORD` for `CI_REGISTRY`; else anonymous. Each
 * credential says where it came from (for error messages); secrets go to `mask` and never to a log.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB } from './reference.js';
import { OciRegistryError } from './remote-error.js';

export interface Credential {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (docker config `identitytoken`, or a helper's `<token>` user). */
  readonly identityToken?: string;
  /** Where it came from: `registry-username/registry-password inputs`, `docker config auths[HOST]`, ... */
  readonly source: string;
}

export const ANONYMOUS: Credential = { source: 'anonymous (no credentials found)' };

export function isAnonymous(credential: Credential): boolean {
  return credential.password === undefined && credential.identityToken === undefined;
}

/** Runs `docker-credential-NAME get` with `input` on stdin; returns stdout. */
export type HelperRunner = (name: string, input: string) => Promise<string>;

export interface CredentialOptions {
  /** From the `registry-username` input. */
  readonly username?: string;
  /** From the `registry-password` input. */
  readonly password?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Told every secret found, so the platform can mask it in logs. */
  readonly mask?: (secret: string) => void;
  readonly runHelper?: HelperRunner;
}

/** A registry's credential, resolved once per registry and then reused. */
export type CredentialProvider = (registry: string) => Promise<Credential>;

export function credentialProvider(options: CredentialOptions = {}): CredentialProvider {
  const cache = new Map<string, Promise<Credential>>();
  return (registry) => {
    let found = cache.get(registry);
    if (!found) {
      found = resolveCredential(registry, options);
      cache.set(registry, found);
    }
    return found;
  };
}

export async function resolveCredential(
  registry: string,
  options: CredentialOptions = {},
): Promise<Credential> {
  const env = options.env ?? process.env;
  const mask = (credential: Credential): Credential => {
    for (const secret of [credential.password, credential.identityToken]) if (secret) options.mask?.(secret);
    return credential;
  };
  if (options.password) {
    if (!options.username) {
      throw new OciRegistryError(
        'usage',
        'credentials-invalid',
        `registry-password is set for ${registry} but registry-username is not`,
        'set registry-username too (for a token, any non-empty user name such as "token")',
      );
    }
    return mask({
      username: options.username,
      password: options.password,
      source: 'registry-username/registry-password inputs',
    });
  }
  const fromConfig = await fromDockerConfig(
    registry,
    env,
    options.runHelper ?? credentialHelperRunner(env),
    options.mask,
  );
  if (fromConfig) return mask(fromConfig);
  const host = normalizeServer(registry);
  if (host === 'ghcr.io' && env.GITHUB_TOKEN) {
    return mask({
      username: env.GITHUB_ACTOR || 'github-actions',
      password: env.GITHUB_TOKEN,
      source: 'GITHUB_TOKEN',
    });
  }
  if (
    env.CI_REGISTRY &&
    normalizeServer(env.CI_REGISTRY) === host &&
    env.CI_REGISTRY_USER &&
    env.CI_REGISTRY_PASSWORD
  ) {
    return mask({
      username: env.CI_REGISTRY_USER,
      password: env.CI_REGISTRY_PASSWORD,
      source: 'CI_REGISTRY_USER/CI_REGISTRY_PASSWORD',
    });
  }
  return ANONYMOUS;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

/** `https://index.docker.io/v1/`, `http://host:5000/v2/` and `host:5000` all name `host:5000`. */
export function normalizeServer(server: string): string {
  const host = server
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

/** What docker login stores under for this registry (Docker Hub keeps its historical URL). */
function serverUrl(registry: string): string {
  return normalizeServer(registry) === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
}

async function fromDockerConfig(
  registry: string,
  env: NodeJS.ProcessEnv,
  runHelper: HelperRunner,
  mask?: (secret: string) => void,
): Promise<Credential | undefined> {
  const path = dockerConfigPath(env);
  let config: DockerConfig;
  try {
    config = JSON.parse(await readFile(path, 'utf8')) as DockerConfig;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OciRegistryError(
      'usage',
      'credentials-invalid',
      `docker config ${path} is not readable JSON`,
      'fix or remove the file',
      {
        cause: error,
      },
    );
  }
  const host = normalizeServer(registry);
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => normalizeServer(key) === host)?.[1];
  if (helper) {
    const found = await fromHelper(helper, serverUrl(registry), runHelper, mask);
    return found
      ? { ...found, source: `docker config credHelpers[${host}] (docker-credential-${helper})` }
      : undefined;
  }
  const entry = Object.entries(config.auths ?? {}).find(([key]) => normalizeServer(key) === host);
  if (entry) {
    const [key, auth] = entry;
    const source = `docker config auths[${key}] in ${path}`;
    if (auth.identitytoken) {
      mask?.(auth.identitytoken);
      return {
        identityToken: auth.identitytoken,
        ...(auth.username ? { username: auth.username } : {}),
        source,
      };
    }
    if (auth.auth) {
      mask?.(auth.auth);
      const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new OciRegistryError(
          'usage',
          'credentials-invalid',
          `${source}: "auth" is not base64 of USER:PASSWORD`,
          'run docker login again',
        );
      }
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
    }
    if (auth.username && auth.password) return { username: auth.username, password: auth.password, source };
  }
  if (config.credsStore) {
    const found = await fromHelper(config.credsStore, serverUrl(registry), runHelper, mask);
    if (found)
      return { ...found, source: `docker config credsStore (docker-credential-${config.credsStore})` };
  }
  return undefined;
}

async function fromHelper(
  helper: string,
  server: string,
  runHelper: HelperRunner,
  mask?: (secret: string) => void,
): Promise<Omit<Credential, 'source'> | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    throw new OciRegistryError(
      'usage',
      'credentials-invalid',
      `credential helper name ${JSON.stringify(helper)} is not a plain name`,
    );
  }
  let output: string;
  try {
    output = await runHelper(helper, server);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/credentials not found/i.test(message)) return undefined;
    throw new OciRegistryError(
      'failed',
      'credential-helper-failed',
      `docker-credential-${helper} get ${server} failed: ${message.split('\n')[0]}`,
      `check that docker-credential-${helper} is on PATH and logged in (docker login ${server})`,
      { cause: error },
    );
  }
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(output) as { Username?: string; Secret?: string };
  } catch {
    throw new OciRegistryError(
      'failed',
      'credential-helper-failed',
      `docker-credential-${helper} get ${server} did not print JSON`,
    );
  }
  if (!parsed.Secret) return undefined;
  mask?.(parsed.Secret);
  if (parsed.Username === '<token>') return { identityToken: parsed.Secret };
  return { ...(parsed.Username ? { username: parsed.Username } : {}), password: parsed.Secret };
}

/** `docker-credential-NAME get` found on env's PATH, server URL on stdin, no shell; 10 s at most. */
export function credentialHelperRunner(env: NodeJS.ProcessEnv = process.env): HelperRunner {
  return (name, input) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        `docker-credential-${name}`,
        ['get'],
        { timeout: 10_000, maxBuffer: 1024 * 1024, env },
        (error, stdout, stderr) => {
          if (error)
            reject(new Error(`${stdout.trim() || stderr.trim() || error.message}`, { cause: error }));
          else resolve(stdout);
        },
      );
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    });
}
