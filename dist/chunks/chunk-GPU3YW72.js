import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  KEYLESS_SERVICE_INPUTS,
  keylessServices
} from "./chunk-NMTSEJ4W.js";
import {
  firstControl
} from "./chunk-TDPV7D6W.js";
import {
  DEFAULT_CATALOG_PATH
} from "./chunk-BDT4GVSW.js";
import {
  UsageError
} from "./chunk-237YPWJV.js";

// src/inputs.ts
var DEFAULT_OUTPUT = "out/model-promote";
var INPUTS = [
  {
    name: "registry",
    description: "Model registry: a registry folder path (the embedded default) or a URI.",
    required: true
  },
  { name: "model", description: "Name of the model in the registry.", required: true },
  {
    name: "version",
    description: "Version to promote, or an alias that points at one (e.g. `champion`, `latest`).",
    default: "latest"
  },
  {
    name: "environment",
    description: "Destination environment, as named in the compute catalog (e.g. `production`).",
    required: true
  },
  {
    name: "catalog",
    description: "Path of the compute catalog (YAML) listing environments and their compute pools.",
    default: DEFAULT_CATALOG_PATH
  },
  {
    name: "output",
    description: "Folder for the promotion record, summary, OCI image layout and rendered manifests.",
    default: DEFAULT_OUTPUT
  },
  {
    name: "dry-run",
    description: "Verify, resolve and plan, then stop before the first side effect and print the plan.",
    default: "false",
    boolean: true
  },
  {
    name: "identity",
    description: "Keyless signing policy: the signer identity (certificate SAN), exact or an anchored `/regex/`. Needs `issuer`."
  },
  { name: "issuer", description: "Keyless signing policy: the OIDC issuer of the signer identity, exact." },
  {
    name: "trusted-root",
    description: "Sigstore trusted_root.json for keyless verification (default: the public-good instance)."
  },
  { name: "public-key", description: "Key signing policy: PEM public key file of the signer." },
  {
    name: "certificate-chain",
    description: "Certificate signing policy: PEM trust anchor files (one per line).",
    list: true
  },
  {
    name: "source-date-epoch",
    description: "Timestamp (seconds) written into the image; default `SOURCE_DATE_EPOCH`, else 0, for reproducible digests."
  },
  {
    name: "image-repository",
    description: "Push the image to this registry repository (`HOST/REPO`) instead of writing only an OCI layout; the record names it by digest."
  },
  {
    name: "registry-username",
    description: "User name for the image registry (default: Docker config, GITHUB_TOKEN for ghcr.io, CI_REGISTRY_USER)."
  },
  {
    name: "registry-password",
    description: "Password or token for the image registry; masked. CLI: env MODEL_PROMOTE_REGISTRY_PASSWORD.",
    secret: true,
    env: "MODEL_PROMOTE_REGISTRY_PASSWORD"
  },
  {
    name: "insecure-registry",
    description: "Allow plain HTTP to the image registry (loopback registries always may).",
    default: "false",
    boolean: true
  },
  {
    name: "kubeconfig",
    description: "Deploy to the cluster of this kubeconfig (file path, or the content itself; masked). Without it (and without KUBECONFIG) manifests are only rendered.",
    secret: true
  },
  {
    name: "manifests",
    description: "Your own manifest files or globs (one per line), applied after substituting the image and model values.",
    list: true
  },
  {
    name: "force",
    description: "Server-side apply with force: take over fields another manager owns.",
    default: "false",
    boolean: true
  },
  {
    name: "rollout-timeout",
    description: "How long to wait for the rollout and checks: seconds (`600`) or a duration (`10m`, `1h30m`), from 1 s to 24 h.",
    default: "600"
  },
  {
    name: "github-token",
    description: "Token for PR comments and deployment statuses (`pull-requests: write`, `deployments: write`); masked.",
    secret: true,
    env: "GITHUB_TOKEN"
  },
  {
    name: "gitlab-token",
    description: "GitLab token with `api` scope for merge-request notes (CI_JOB_TOKEN cannot post notes); masked. Env GITLAB_TOKEN.",
    secret: true,
    env: "GITLAB_TOKEN"
  },
  {
    name: "comment",
    description: "Post or update one summary comment per model and environment on the PR/MR.",
    default: "true",
    boolean: true
  },
  {
    name: "deployment",
    description: "Report a deployment with statuses to GitHub (or the GitLab environment).",
    default: "true",
    boolean: true
  },
  { name: "pushgateway-url", description: "Push promotion metrics to this Prometheus Pushgateway." },
  {
    name: "metrics-window",
    description: "After a healthy rollout, sample the new pods' CPU and memory (metrics API) and GPUs (`prometheus-url`) this long: seconds or a duration (`90`, `2m`), up to 1 h; `0` turns it off.",
    default: "60"
  },
  {
    name: "prometheus-url",
    description: "Prometheus to read the new pods' GPU utilization and memory from (the DCGM exporter's metrics) over `metrics-window`."
  },
  {
    name: "allow-breaking-schema",
    description: "Promote even when the model's interface removes or retypes inputs or outputs of the running version.",
    default: "false",
    boolean: true
  },
  {
    name: "attest",
    description: "Sign a promotion attestation after a successful deploy and attach it to the image: with attest-key, else keyless (needs `id-token: write`; GitLab `id_tokens` with `aud: sigstore`).",
    default: "false",
    boolean: true
  },
  {
    name: "attest-key",
    description: "PEM ECDSA private key that signs the promotion attestation (air-gapped installations); masked. CLI: env MODEL_PROMOTE_ATTEST_KEY.",
    secret: true,
    env: "MODEL_PROMOTE_ATTEST_KEY"
  },
  {
    name: "attest-fulcio-url",
    description: "Keyless attestation: the Fulcio that certifies the signing key. Naming any attest-*-url describes a private Sigstore whole (those left out are off); none: Sigstore's public-good instance."
  },
  {
    name: "attest-tsa-url",
    description: "Keyless attestation: the RFC 3161 timestamp authority, or `off`."
  },
  {
    name: "attest-rekor-url",
    description: "Keyless attestation: the Rekor transparency log (public: it shows the signing identity), or `off`."
  },
  {
    name: "github-attestations",
    description: "GitHub Actions, keyless attestation of a pushed image: also store it in the repository's artifact attestations. `auto`: skip with one warning where GitHub does not offer them (user-owned private repository, plan, GitHub Enterprise Server); `required`: any failure fails; `off`: never.",
    default: "auto"
  },
  {
    name: "cache-dir",
    description: "Folder that caches downloaded model files by digest (re-verified on every use)."
  }
];
var GITHUB_ATTESTATIONS_MODES = ["auto", "required", "off"];
var SPECS = new Map(INPUTS.map((spec) => [spec.name, spec]));
function secretValues(read, env = process.env) {
  return INPUTS.filter((spec) => spec.secret).map((spec) => withEnv(read, env)(spec.name)).filter((v) => Boolean(v)).flatMap(secretParts);
}
var SECRET_KEY = /(token|password|passwd|secret|credential|auth|key-data|certificate-data|private)/i;
var OPAQUE = /^[A-Za-z0-9+/=._~-]{20,}$/;
function secretParts(value2) {
  const parts = /* @__PURE__ */ new Set([value2]);
  if (value2.trim() !== value2) parts.add(value2.trim());
  for (const raw of value2.split(/\r?\n/)) {
    const line = raw.trim();
    const pair = /^-?\s*"?([\w.-]+)"?\s*[:=]\s*(.+)$/.exec(line);
    if (pair && SECRET_KEY.test(pair[1])) {
      const secret = pair[2].trim().replace(/^(["'])(.*)\1$/, "$2");
      if (secret.length >= 6) parts.add(secret);
    } else if (OPAQUE.test(line)) {
      parts.add(line);
    }
  }
  return [...parts];
}
function parsePromotionInputs(read, env = process.env) {
  const get = withEnv(read, env);
  const bool = (name) => parseBoolean(name, get(name) ?? SPECS.get(name)?.default);
  return {
    registry: plain("registry", required(get, "registry")),
    model: plain("model", required(get, "model")),
    version: plain("version", get("version") ?? "latest"),
    environment: plain("environment", required(get, "environment")),
    catalog: get("catalog") ?? DEFAULT_CATALOG_PATH,
    output: get("output") ?? DEFAULT_OUTPUT,
    dryRun: bool("dry-run"),
    policy: parsePolicyInputs(read),
    sourceDateEpoch: parseEpoch(get("source-date-epoch") ?? env.SOURCE_DATE_EPOCH),
    imageRepository: get("image-repository"),
    registryUsername: get("registry-username"),
    registryPassword: get("registry-password"),
    insecureRegistry: bool("insecure-registry"),
    kubeconfig: get("kubeconfig"),
    manifests: list(read, "manifests"),
    force: bool("force"),
    rolloutTimeoutSeconds: parseDuration("rollout-timeout", get("rollout-timeout") ?? "600"),
    githubToken: get("github-token"),
    gitlabToken: get("gitlab-token"),
    comment: bool("comment"),
    deployment: bool("deployment"),
    pushgatewayUrl: get("pushgateway-url"),
    metricsWindowSeconds: parseWindow("metrics-window", get("metrics-window") ?? "60"),
    prometheusUrl: parseHttpUrl("prometheus-url", get("prometheus-url")),
    allowBreakingSchema: bool("allow-breaking-schema"),
    cacheDir: get("cache-dir"),
    ...attestInputs(get, bool("attest")),
    githubAttestations: parseChoice(
      "github-attestations",
      get("github-attestations") ?? "auto",
      GITHUB_ATTESTATIONS_MODES
    )
  };
}
function attestInputs(get, attest) {
  const attestKey = get("attest-key");
  const urls = Object.values(KEYLESS_SERVICE_INPUTS).filter((name) => get(name)?.trim());
  if ((attestKey || urls.length > 0) && !attest) {
    throw new UsageError(
      `${attestKey ? "attest-key" : urls.join(", ")} ${attestKey || urls.length === 1 ? "is" : "are"} given but attest is false`,
      "set attest: true to sign the attestation"
    );
  }
  if (attestKey && urls.length > 0) {
    throw new UsageError(
      `${urls.join(", ")} name keyless signing services, but attest-key signs with a key`,
      "give attest-key (signed with the key) or the attest-*-url inputs (keyless), not both"
    );
  }
  if (!attest || attestKey) return { attest, ...attestKey && { attestKey } };
  const attestServices = keylessServices({
    fulcioURL: get("attest-fulcio-url"),
    tsaURL: get("attest-tsa-url"),
    rekorURL: get("attest-rekor-url")
  });
  return { attest, attestServices };
}
function withEnv(read, env) {
  return (name) => value(read, name) ?? (SPECS.get(name)?.env ? env[SPECS.get(name).env]?.trim() || void 0 : void 0);
}
var MAX_DURATION_SECONDS = 24 * 60 * 60;
var DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/;
function parseDuration(name, raw) {
  const match = DURATION.exec(raw.replace(/\s+/g, ""));
  const [hours = "0", minutes = "0", seconds = "0"] = match ? match.slice(1).map((p) => p ?? "0") : [];
  const total = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
  if (!match || raw.trim() === "" || !Number.isSafeInteger(total)) {
    throw new UsageError(
      `${name} must be seconds or a duration like 10m or 1h30m, not "${raw}"`,
      `e.g. --${name} 10m`
    );
  }
  if (total < 1 || total > MAX_DURATION_SECONDS) {
    throw new UsageError(`${name} ${raw} is out of range: it must be from 1 s to 24 h`, `e.g. --${name} 10m`);
  }
  return total;
}
var MAX_WINDOW_SECONDS = 60 * 60;
function parseWindow(name, raw) {
  if (/^\s*0+[hms]?\s*$/.test(raw)) return 0;
  const seconds = parseDuration(name, raw);
  if (seconds > MAX_WINDOW_SECONDS) {
    throw new UsageError(
      `${name} ${raw} is out of range: it must be at most 1 h (0 turns it off)`,
      `e.g. --${name} 2m`
    );
  }
  return seconds;
}
function parseHttpUrl(name, raw) {
  if (raw === void 0) return void 0;
  let url;
  try {
    url = new URL(raw);
  } catch {
    url = void 0;
  }
  if (!url || url.protocol !== "http:" && url.protocol !== "https:") {
    const shown = url ? `"${url.protocol}" (the scheme given)` : "a URL";
    throw new UsageError(
      `${name} must be an http:// or https:// URL, not ${shown}`,
      `e.g. --${name} http://prometheus.monitoring:9090`
    );
  }
  return raw;
}
function parsePolicyInputs(read) {
  const get = (name) => value(read, name);
  const identity = get("identity");
  const issuer = get("issuer");
  const publicKey = get("public-key");
  const anchors = list(read, "certificate-chain");
  const given = [
    identity || issuer ? "identity/issuer" : "",
    publicKey ? "public-key" : "",
    anchors.length ? "certificate-chain" : ""
  ].filter(Boolean);
  if (given.length > 1) {
    throw new UsageError(
      `give one signing policy, not ${given.join(" and ")}`,
      "use either identity + issuer (keyless), public-key, or certificate-chain"
    );
  }
  if (identity || issuer) {
    if (!identity || !issuer) {
      throw new UsageError(
        `keyless policy needs both identity and issuer (got only ${identity ? "identity" : "issuer"})`,
        identity ? "add --issuer URL, the OIDC issuer of the identity (e.g. https://token.actions.githubusercontent.com)" : "add --identity, the signer identity (certificate SAN), exact or as an anchored /regex/"
      );
    }
    const trustedRoot = get("trusted-root");
    return { method: "keyless", identity, issuer, ...trustedRoot ? { trustedRoot } : {} };
  }
  if (get("trusted-root")) {
    throw new UsageError("trusted-root only applies to a keyless policy", "add --identity and --issuer");
  }
  if (publicKey) return { method: "key", publicKey };
  if (anchors.length) return { method: "certificate", anchors };
  return { method: "none" };
}
function value(read, name) {
  const raw = read(name)?.trim();
  return raw ? raw : void 0;
}
function list(read, name) {
  return (read(name) ?? "").split("\n").map((line) => line.trim()).filter(Boolean);
}
function plain(name, text) {
  const control = firstControl(text);
  if (control) {
    throw new UsageError(
      `input ${name} holds a control character (${control.code} at position ${control.index + 1})`,
      `give ${name} as plain text on one line`
    );
  }
  return text;
}
function required(get, name) {
  const found = get(name);
  if (found === void 0) throw new UsageError(`input ${name} is required`, `set ${name} (CLI: --${name})`);
  return found;
}
var TRUE = ["true", "True", "TRUE"];
var FALSE = ["false", "False", "FALSE"];
function parseBoolean(name, raw) {
  if (raw === void 0) return false;
  if (TRUE.includes(raw)) return true;
  if (FALSE.includes(raw)) return false;
  throw new UsageError(
    `${name} must be true or false, not "${raw}"`,
    `set ${name} to true or false (also True, TRUE, False, FALSE)`
  );
}
function parseChoice(name, raw, choices) {
  const found = choices.find((choice) => choice === raw);
  if (found !== void 0) return found;
  const words = `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
  throw new UsageError(`${name} must be ${words}, not "${raw}"`, `set ${name} to ${words}`);
}
var MAX_EPOCH_SECONDS = 253402300799;
function parseEpoch(raw, name = "source-date-epoch") {
  if (raw === void 0 || raw.trim() === "") return 0;
  if (!/^\d+$/.test(raw.trim())) {
    throw new UsageError(
      `${name} must be whole seconds since 1970, not "${raw}"`,
      "e.g. $(git log -1 --format=%ct)"
    );
  }
  const seconds = Number(raw.trim());
  if (seconds > MAX_EPOCH_SECONDS) {
    throw new UsageError(
      `${name} ${raw.trim()} is after the year 9999, which no image timestamp can say`,
      "e.g. $(git log -1 --format=%ct)"
    );
  }
  return seconds;
}

// src/version.ts
var TOOL_VERSION = "0.1.0";

export {
  DEFAULT_OUTPUT,
  INPUTS,
  secretValues,
  parsePromotionInputs,
  parsePolicyInputs,
  parseBoolean,
  parseEpoch,
  TOOL_VERSION
};
