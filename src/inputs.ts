/**
 * Every input, once. action.yml, the CLI flags and (later) the GitLab component's `spec: inputs`
 * use these names with these meanings; tests keep action.yml and the README equal to this table.
 */
import { KEYLESS_SERVICE_INPUTS, keylessServices, type KeylessServices } from './attest/keyless-services.js';
import { DEFAULT_CATALOG_PATH } from './environments/catalog-path.js';
import { UsageError } from './errors.js';
import { firstControl } from './outside-text.js';

export interface InputSpec {
  readonly name: string;
  readonly description: string;
  readonly default?: string;
  readonly required?: boolean;
  /** Holds a secret: masked in logs, never echoed. */
  readonly secret?: boolean;
  /** Takes several values: repeated flags on the CLI, one per line in action.yml. */
  readonly list?: boolean;
  readonly boolean?: boolean;
  /** Environment variable read when the input is not given (how secrets reach the CLI and GitLab). */
  readonly env?: string;
}

export const DEFAULT_OUTPUT = 'out/model-promote';

export const INPUTS = [
  {
    name: 'registry',
    description: 'Model registry: a registry folder path (the embedded default) or a URI.',
    required: true,
  },
  { name: 'model', description: 'Name of the model in the registry.', required: true },
  {
    name: 'version',
    description: 'Version to promote, or an alias that points at one (e.g. `champion`, `latest`).',
    default: 'latest',
  },
  {
    name: 'environment',
    description: 'Destination environment, as named in the compute catalog (e.g. `production`).',
    required: true,
  },
  {
    name: 'catalog',
    description: 'Path of the compute catalog (YAML) listing environments and their compute pools.',
    default: DEFAULT_CATALOG_PATH,
  },
  {
    name: 'output',
    description: 'Folder for the promotion record, summary, OCI image layout and rendered manifests.',
    default: DEFAULT_OUTPUT,
  },
  {
    name: 'dry-run',
    description: 'Verify, resolve and plan, then stop before the first side effect and print the plan.',
    default: 'false',
    boolean: true,
  },
  {
    name: 'identity',
    description:
      'Keyless signing policy: the signer identity (certificate SAN), exact or an anchored `/regex/`. Needs `issuer`.',
  },
  { name: 'issuer', description: 'Keyless signing policy: the OIDC issuer of the signer identity, exact.' },
  {
    name: 'trusted-root',
    description: 'Sigstore trusted_root.json for keyless verification (default: the public-good instance).',
  },
  { name: 'public-key', description: 'Key signing policy: PEM public key file of the signer.' },
  {
    name: 'certificate-chain',
    description: 'Certificate signing policy: PEM trust anchor files (one per line).',
    list: true,
  },
  {
    name: 'source-date-epoch',
    description:
      'Timestamp (seconds) written into the image; default `SOURCE_DATE_EPOCH`, else 0, for reproducible digests.',
  },
  {
    name: 'image-repository',
    description:
      'Push the image to this registry repository (`HOST/REPO`) instead of writing only an OCI layout; the record names it by digest.',
  },
  {
    name: 'registry-username',
    description:
      'User name for the image registry (default: Docker config, GITHUB_TOKEN for ghcr.io, CI_REGISTRY_USER).',
  },
  {
    name: 'registry-password',
    description:
      'Password or token for the image registry; masked. CLI: env MODEL_PROMOTE_REGISTRY_PASSWORD.',
    secret: true,
    env: 'MODEL_PROMOTE_REGISTRY_PASSWORD',
  },
  {
    name: 'insecure-registry',
    description: 'Allow plain HTTP to the image registry (loopback registries always may).',
    default: 'false',
    boolean: true,
  },
  {
    name: 'kubeconfig',
    description:
      'Deploy to the cluster of this kubeconfig (file path, or the content itself; masked). Without it (and without KUBECONFIG) manifests are only rendered.',
    secret: true,
  },
  {
    name: 'manifests',
    description:
      'Your own manifest files or globs (one per line), applied after substituting the image and model values.',
    list: true,
  },
  {
    name: 'force',
    description: 'Server-side apply with force: take over fields another manager owns.',
    default: 'false',
    boolean: true,
  },
  {
    name: 'rollout-timeout',
    description:
      'How long to wait for the rollout and checks: seconds (`600`) or a duration (`10m`, `1h30m`), from 1 s to 24 h.',
    default: '600',
  },
  {
    name: 'github-token',
    description:
      'Token for PR comments and deployment statuses (`pull-requests: write`, `deployments: write`); masked.',
    secret: true,
    env: 'GITHUB_TOKEN',
  },
  {
    name: 'gitlab-token',
    description:
      'GitLab token with `api` scope for merge-request notes (CI_JOB_TOKEN cannot post notes); masked. Env GITLAB_TOKEN.',
    secret: true,
    env: 'GITLAB_TOKEN',
  },
  {
    name: 'comment',
    description: 'Post or update one summary comment per model and environment on the PR/MR.',
    default: 'true',
    boolean: true,
  },
  {
    name: 'deployment',
    description: 'Report a deployment with statuses to GitHub (or the GitLab environment).',
    default: 'true',
    boolean: true,
  },
  { name: 'pushgateway-url', description: 'Push promotion metrics to this Prometheus Pushgateway.' },
  {
    name: 'metrics-window',
    description:
      "After a healthy rollout, sample the new pods' CPU and memory (metrics API) and GPUs (`prometheus-url`) this long: seconds or a duration (`90`, `2m`), up to 1 h; `0` turns it off.",
    default: '60',
  },
  {
    name: 'prometheus-url',
    description:
      "Prometheus to read the new pods' GPU utilization and memory from (the DCGM exporter's metrics) over `metrics-window`.",
  },
  {
    name: 'allow-breaking-schema',
    description:
      "Promote even when the model's interface removes or retypes inputs or outputs of the running version.",
    default: 'false',
    boolean: true,
  },
  {
    name: 'attest',
    description:
      'Sign a promotion attestation after a successful deploy and attach it to the image: with attest-key, else keyless (needs `id-token: write`; GitLab `id_tokens` with `aud: sigstore`).',
    default: 'false',
    boolean: true,
  },
  {
    name: 'attest-key',
    description:
      'PEM ECDSA private key that signs the promotion attestation (air-gapped installations); masked. CLI: env MODEL_PROMOTE_ATTEST_KEY.',
    secret: true,
    env: 'MODEL_PROMOTE_ATTEST_KEY',
  },
  {
    name: 'attest-fulcio-url',
    description:
      "Keyless attestation: the Fulcio that certifies the signing key. Naming any attest-*-url describes a private Sigstore whole (those left out are off); none: Sigstore's public-good instance.",
  },
  {
    name: 'attest-tsa-url',
    description: 'Keyless attestation: the RFC 3161 timestamp authority, or `off`.',
  },
  {
    name: 'attest-rekor-url',
    description:
      'Keyless attestation: the Rekor transparency log (public: it shows the signing identity), or `off`.',
  },
  {
    name: 'github-attestations',
    description:
      "GitHub Actions, keyless attestation of a pushed image: also store it in the repository's artifact attestations. `auto`: skip with one warning where GitHub does not offer them (user-owned private repository, plan, GitHub Enterprise Server); `required`: any failure fails; `off`: never.",
    default: 'auto',
  },
  {
    name: 'cache-dir',
    description: 'Folder that caches downloaded model files by digest (re-verified on every use).',
  },
] as const satisfies readonly InputSpec[];

export type InputName = (typeof INPUTS)[number]['name'];

export const OUTPUTS = [
  {
    name: 'status',
    description:
      'Outcome: `succeeded`, `planned` (dry run), `refused` or `failed` (also when an input is missing or malformed).',
  },
  { name: 'environment', description: 'The environment promoted to.' },
  { name: 'pool', description: 'The compute pool chosen from the model labels.' },
  {
    name: 'image',
    description:
      'The built image, by digest (`REPO@sha256:...` or `oci-layout:DIR@sha256:...`); empty in a dry run, which builds none.',
  },
  {
    name: 'digest',
    description: 'Digest of the built image manifest; in a dry run, the digest the promotion will build.',
  },
  { name: 'image-digest', description: 'Same as `digest` (kept for workflows written before it).' },
  { name: 'model-digest', description: 'Digest of the signed model (the OMS signature subject).' },
  {
    name: 'manifests-path',
    description: 'Folder of the rendered Kubernetes manifests (a dry run writes them too, for review).',
  },
  {
    name: 'record-path',
    description:
      'Path of the promotion record (promotion.json); empty when the output folder could not be used.',
  },
  {
    name: 'url',
    description:
      "The serving endpoint of the chosen pool, for the job's `environment: url:` (empty when the pool names none).",
  },
  { name: 'model', description: 'The model promoted, as named in the registry.' },
  { name: 'model-version', description: 'The version promoted (an alias resolved to its version).' },
  {
    name: 'metadata',
    description:
      'The key facts as one JSON object: status, model, version, environment, pool, image, digest, url, promotion id.',
  },
] as const;

export type OutputName = (typeof OUTPUTS)[number]['name'];

/** The signing policy given as inputs; the environment may add its own (see promote.ts). */
export type PolicyInputs =
  | { method: 'keyless'; identity: string; issuer: string; trustedRoot?: string }
  | { method: 'key'; publicKey: string }
  | { method: 'certificate'; anchors: string[] }
  | { method: 'none' };

export interface PromotionInputs {
  readonly registry: string;
  readonly model: string;
  readonly version: string;
  readonly environment: string;
  readonly catalog: string;
  readonly output: string;
  readonly dryRun: boolean;
  readonly policy: PolicyInputs;
  readonly sourceDateEpoch: number;
  readonly imageRepository?: string;
  readonly registryUsername?: string;
  readonly registryPassword?: string;
  readonly insecureRegistry: boolean;
  readonly kubeconfig?: string;
  readonly manifests: readonly string[];
  readonly force: boolean;
  readonly rolloutTimeoutSeconds: number;
  readonly githubToken?: string;
  readonly gitlabToken?: string;
  readonly comment: boolean;
  readonly deployment: boolean;
  readonly pushgatewayUrl?: string;
  /** Seconds of utilization sampling after the rollout; 0 = none. */
  readonly metricsWindowSeconds: number;
  readonly prometheusUrl?: string;
  readonly allowBreakingSchema: boolean;
  readonly cacheDir?: string;
  /** Sign and attach the promotion attestation (src/attest/). */
  readonly attest: boolean;
  /** PEM private key for the attestation; keyless when absent. */
  readonly attestKey?: string;
  /** The Sigstore services that sign keylessly: set when attest is on without attest-key. */
  readonly attestServices?: KeylessServices;
  /** Whether the attestation also goes to GitHub's artifact attestations (github-attestations.ts). */
  readonly githubAttestations: GithubAttestationsMode;
}

export const GITHUB_ATTESTATIONS_MODES = ['auto', 'required', 'off'] as const;
export type GithubAttestationsMode = (typeof GITHUB_ATTESTATIONS_MODES)[number];

const SPECS: ReadonlyMap<string, InputSpec> = new Map(INPUTS.map((spec) => [spec.name, spec]));

/**
 * What to mask for every input marked secret, before anything is logged: each whole value, and
 * inside a multi-line one (a kubeconfig) every secret-looking value line by line, since a log line
 * quoting one line of it is not masked by the whole.
 */
export function secretValues(read: InputReader, env: NodeJS.ProcessEnv = process.env): string[] {
  return INPUTS.filter((spec: InputSpec) => spec.secret)
    .map((spec: InputSpec) => withEnv(read, env)(spec.name as InputName))
    .filter((v): v is string => Boolean(v))
    .flatMap(secretParts);
}

/** Keys whose values are credentials in kubeconfigs, Docker configs and the like. */
const SECRET_KEY = /(token|password|passwd|secret|credential|auth|key-data|certificate-data|private)/i;
/** An opaque value on a line of its own: long, no spaces (a base64 key block, a token). */
const OPAQUE = /^[A-Za-z0-9+/=._~-]{20,}$/;

/** The value, and the secret-looking parts of it: `key: value` credentials and opaque lines. */
export function secretParts(value: string): string[] {
  const parts = new Set<string>([value]);
  if (value.trim() !== value) parts.add(value.trim());
  for (const raw of value.split(/\r?\n/)) {
    const line = raw.trim();
    const pair = /^-?\s*"?([\w.-]+)"?\s*[:=]\s*(.+)$/.exec(line);
    if (pair && SECRET_KEY.test(pair[1]!)) {
      const secret = pair[2]!.trim().replace(/^(["'])(.*)\1$/, '$2');
      if (secret.length >= 6) parts.add(secret);
    } else if (OPAQUE.test(line)) {
      parts.add(line);
    }
  }
  return [...parts];
}

/** Reads an input by its action.yml name; lists come one value per line. Empty means unset. */
export type InputReader = (name: InputName) => string | undefined;

export function parsePromotionInputs(
  read: InputReader,
  env: NodeJS.ProcessEnv = process.env,
): PromotionInputs {
  const get = withEnv(read, env);
  const bool = (name: InputName) => parseBoolean(name, get(name) ?? SPECS.get(name)?.default);
  return {
    registry: plain('registry', required(get, 'registry')),
    model: plain('model', required(get, 'model')),
    version: plain('version', get('version') ?? 'latest'),
    environment: plain('environment', required(get, 'environment')),
    catalog: get('catalog') ?? DEFAULT_CATALOG_PATH,
    output: get('output') ?? DEFAULT_OUTPUT,
    dryRun: bool('dry-run'),
    policy: parsePolicyInputs(read),
    sourceDateEpoch: parseEpoch(get('source-date-epoch') ?? env.SOURCE_DATE_EPOCH),
    imageRepository: get('image-repository'),
    registryUsername: get('registry-username'),
    registryPassword: get('registry-password'),
    insecureRegistry: bool('insecure-registry'),
    kubeconfig: get('kubeconfig'),
    manifests: list(read, 'manifests'),
    force: bool('force'),
    rolloutTimeoutSeconds: parseDuration('rollout-timeout', get('rollout-timeout') ?? '600'),
    githubToken: get('github-token'),
    gitlabToken: get('gitlab-token'),
    comment: bool('comment'),
    deployment: bool('deployment'),
    pushgatewayUrl: get('pushgateway-url'),
    metricsWindowSeconds: parseWindow('metrics-window', get('metrics-window') ?? '60'),
    prometheusUrl: parseHttpUrl('prometheus-url', get('prometheus-url')),
    allowBreakingSchema: bool('allow-breaking-schema'),
    cacheDir: get('cache-dir'),
    ...attestInputs(get, bool('attest')),
    githubAttestations: parseChoice(
      'github-attestations',
      get('github-attestations') ?? 'auto',
      GITHUB_ATTESTATIONS_MODES,
    ),
  };
}

/**
 * A key or a service URL without `attest` would be silently unused, as would a service URL beside
 * a key: the user meant something else, so say so. The services are checked here, so a bad one is a
 * usage error before anything is built.
 */
function attestInputs(
  get: (name: InputName) => string | undefined,
  attest: boolean,
): Pick<PromotionInputs, 'attest' | 'attestKey' | 'attestServices'> {
  const attestKey = get('attest-key');
  const urls = Object.values(KEYLESS_SERVICE_INPUTS).filter((name) => get(name)?.trim());
  if ((attestKey || urls.length > 0) && !attest) {
    throw new UsageError(
      `${attestKey ? 'attest-key' : urls.join(', ')} ${attestKey || urls.length === 1 ? 'is' : 'are'} given but attest is false`,
      'set attest: true to sign the attestation',
    );
  }
  if (attestKey && urls.length > 0) {
    throw new UsageError(
      `${urls.join(', ')} name keyless signing services, but attest-key signs with a key`,
      'give attest-key (signed with the key) or the attest-*-url inputs (keyless), not both',
    );
  }
  if (!attest || attestKey) return { attest, ...(attestKey && { attestKey }) };
  const attestServices = keylessServices({
    fulcioURL: get('attest-fulcio-url'),
    tsaURL: get('attest-tsa-url'),
    rekorURL: get('attest-rekor-url'),
  });
  return { attest, attestServices };
}

/** An input as given, else the environment variable its spec names. */
function withEnv(read: InputReader, env: NodeJS.ProcessEnv): (name: InputName) => string | undefined {
  return (name) =>
    value(read, name) ?? (SPECS.get(name)?.env ? env[SPECS.get(name)!.env!]?.trim() || undefined : undefined);
}

/** The longest wait a duration input takes: a day, far below Node's timer limit (about 24.8 days). */
export const MAX_DURATION_SECONDS = 24 * 60 * 60;
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/;

/** Seconds from `600`, `600s`, `10m`, `1h30m` or `1h5m30s`; refuses 0, more than a day, and anything else. */
export function parseDuration(name: string, raw: string): number {
  const match = DURATION.exec(raw.replace(/\s+/g, ''));
  const [hours = '0', minutes = '0', seconds = '0'] = match ? match.slice(1).map((p) => p ?? '0') : [];
  const total = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
  if (!match || raw.trim() === '' || !Number.isSafeInteger(total)) {
    throw new UsageError(
      `${name} must be seconds or a duration like 10m or 1h30m, not "${raw}"`,
      `e.g. --${name} 10m`,
    );
  }
  if (total < 1 || total > MAX_DURATION_SECONDS) {
    throw new UsageError(`${name} ${raw} is out of range: it must be from 1 s to 24 h`, `e.g. --${name} 10m`);
  }
  return total;
}

/** The longest utilization window: sampling is a look after the rollout, not monitoring. */
export const MAX_WINDOW_SECONDS = 60 * 60;

/** A duration like parseDuration's, where `0` means off, up to an hour. */
export function parseWindow(name: string, raw: string): number {
  if (/^\s*0+[hms]?\s*$/.test(raw)) return 0;
  const seconds = parseDuration(name, raw);
  if (seconds > MAX_WINDOW_SECONDS) {
    throw new UsageError(
      `${name} ${raw} is out of range: it must be at most 1 h (0 turns it off)`,
      `e.g. --${name} 2m`,
    );
  }
  return seconds;
}

/** An http(s) URL, or undefined when not given. Credentials in it are never echoed. */
export function parseHttpUrl(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const shown = url ? `"${url.protocol}" (the scheme given)` : 'a URL';
    throw new UsageError(
      `${name} must be an http:// or https:// URL, not ${shown}`,
      `e.g. --${name} http://prometheus.monitoring:9090`,
    );
  }
  return raw;
}

export function parsePolicyInputs(read: InputReader): PolicyInputs {
  const get = (name: InputName) => value(read, name);
  const identity = get('identity');
  const issuer = get('issuer');
  const publicKey = get('public-key');
  const anchors = list(read, 'certificate-chain');
  const given = [
    identity || issuer ? 'identity/issuer' : '',
    publicKey ? 'public-key' : '',
    anchors.length ? 'certificate-chain' : '',
  ].filter(Boolean);
  if (given.length > 1) {
    throw new UsageError(
      `give one signing policy, not ${given.join(' and ')}`,
      'use either identity + issuer (keyless), public-key, or certificate-chain',
    );
  }
  if (identity || issuer) {
    if (!identity || !issuer) {
      throw new UsageError(
        `keyless policy needs both identity and issuer (got only ${identity ? 'identity' : 'issuer'})`,
        identity
          ? 'add --issuer URL, the OIDC issuer of the identity (e.g. https://token.actions.githubusercontent.com)'
          : 'add --identity, the signer identity (certificate SAN), exact or as an anchored /regex/',
      );
    }
    const trustedRoot = get('trusted-root');
    return { method: 'keyless', identity, issuer, ...(trustedRoot ? { trustedRoot } : {}) };
  }
  if (get('trusted-root')) {
    throw new UsageError('trusted-root only applies to a keyless policy', 'add --identity and --issuer');
  }
  if (publicKey) return { method: 'key', publicKey };
  if (anchors.length) return { method: 'certificate', anchors };
  return { method: 'none' };
}

function value(read: InputReader, name: InputName): string | undefined {
  const raw = read(name)?.trim();
  return raw ? raw : undefined;
}

function list(read: InputReader, name: InputName): string[] {
  return (read(name) ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * Names shown in logs, summaries and comments: a control character (a newline that starts a forged
 * log line, an escape sequence) has no place in one, so it is refused where it enters.
 */
function plain(name: InputName, text: string): string {
  const control = firstControl(text);
  if (control) {
    throw new UsageError(
      `input ${name} holds a control character (${control.code} at position ${control.index + 1})`,
      `give ${name} as plain text on one line`,
    );
  }
  return text;
}

function required(get: (name: InputName) => string | undefined, name: InputName): string {
  const found = get(name);
  if (found === undefined) throw new UsageError(`input ${name} is required`, `set ${name} (CLI: --${name})`);
  return found;
}

/**
 * The booleans @actions/core's getBooleanInput accepts (YAML 1.2's core schema), and nothing else:
 * `yes` or `1` would work here but fail the same workflow on another action, so they are refused.
 */
const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

export function parseBoolean(name: string, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  if (TRUE.includes(raw)) return true;
  if (FALSE.includes(raw)) return false;
  throw new UsageError(
    `${name} must be true or false, not "${raw}"`,
    `set ${name} to true or false (also True, TRUE, False, FALSE)`,
  );
}

/**
 * One of a fixed set of words, exactly as spelled: like the booleans, a near miss (`Off`, `false`)
 * is refused rather than guessed, so the same workflow means the same thing everywhere.
 */
export function parseChoice<const T extends string>(name: string, raw: string, choices: readonly T[]): T {
  const found = choices.find((choice) => choice === raw);
  if (found !== undefined) return found;
  const words = `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
  throw new UsageError(`${name} must be ${words}, not "${raw}"`, `set ${name} to ${words}`);
}

/** 9999-12-31T23:59:59Z: the last second an RFC 3339 timestamp (the image's `created`) can say. */
export const MAX_EPOCH_SECONDS = 253_402_300_799;

/** Whole seconds since 1970, up to the year 9999; empty means 0. */
export function parseEpoch(raw: string | undefined, name = 'source-date-epoch'): number {
  if (raw === undefined || raw.trim() === '') return 0;
  if (!/^\d+$/.test(raw.trim())) {
    throw new UsageError(
      `${name} must be whole seconds since 1970, not "${raw}"`,
      'e.g. $(git log -1 --format=%ct)',
    );
  }
  const seconds = Number(raw.trim());
  if (seconds > MAX_EPOCH_SECONDS) {
    throw new UsageError(
      `${name} ${raw.trim()} is after the year 9999, which no image timestamp can say`,
      'e.g. $(git log -1 --format=%ct)',
    );
  }
  return seconds;
}
