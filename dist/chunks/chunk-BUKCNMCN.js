import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/oci/remote/credentials.ts
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

// src/oci/remote/remote-error.ts
var OciRegistryError = class extends PromotionError {
  name = "OciRegistryError";
};
function parseErrorBody(text) {
  try {
    const value = JSON.parse(text);
    if (!Array.isArray(value.errors)) return [];
    return value.errors.flatMap((e) => {
      const entry = e;
      return entry && typeof entry.code === "string" ? [
        {
          code: entry.code,
          ...typeof entry.message === "string" ? { message: entry.message } : {},
          detail: entry.detail
        }
      ] : [];
    });
  } catch {
    return [];
  }
}
function describeErrorBody(text) {
  const entries = parseErrorBody(text);
  if (entries.length === 0) return text.trim().slice(0, 200) || "no error body";
  return entries.map((e) => {
    const detail = e.detail === void 0 || e.detail === null ? "" : ` (${JSON.stringify(e.detail).slice(0, 200)})`;
    return `${e.code}${e.message ? `: ${e.message}` : ""}${detail}`;
  }).join("; ");
}

// src/oci/remote/reference.ts
var COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
var REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
var TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
var DIGEST = /^sha256:[a-f0-9]{64}$/;
var HOST = /^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::[0-9]+)?$/;
var DOCKER_HUB = "docker.io";
function invalid(text, problem) {
  return new OciRegistryError(
    "usage",
    "reference-invalid",
    `image reference ${JSON.stringify(text)} ${problem}`,
    "write it like ghcr.io/org/model:1.0, 127.0.0.1:5000/demo:latest or REPO@sha256:<64 hex>"
  );
}
function parseImageReference(text) {
  let rest = text;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(text, "has a digest that is not sha256:<64 hex>");
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasHost = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("["));
  const registry = hasHost ? first : DOCKER_HUB;
  if (hasHost && !HOST.test(registry))
    throw invalid(text, `has an invalid registry host ${JSON.stringify(registry)}`);
  let path = hasHost ? rest.slice(slash + 1) : rest;
  let tag;
  const colon = path.lastIndexOf(":");
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(text, `has an invalid tag ${JSON.stringify(tag)}`);
  }
  if (registry === DOCKER_HUB && !path.includes("/")) path = `library/${path}`;
  if (!REPOSITORY.test(path)) throw invalid(text, `has an invalid repository ${JSON.stringify(path)}`);
  return { registry, repository: path, ...tag !== void 0 ? { tag } : {}, ...digest ? { digest } : {} };
}
function manifestReference(ref) {
  return ref.digest ?? ref.tag ?? "latest";
}
function formatReference(ref) {
  return `${ref.registry}/${ref.repository}${ref.tag !== void 0 ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}
function apiHost(registry) {
  return registry === DOCKER_HUB || registry === "index.docker.io" ? "registry-1.docker.io" : registry;
}
function hostName(registry) {
  if (registry.startsWith("[")) return registry.slice(1, registry.indexOf("]"));
  const colon = registry.lastIndexOf(":");
  return colon >= 0 ? registry.slice(0, colon) : registry;
}
function isLoopback(registry) {
  const host = hostName(registry).toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
function registryOrigin(registry, insecure = false) {
  return `${isLoopback(registry) || insecure ? "http" : "https"}://${apiHost(registry)}`;
}

// src/oci/remote/credentials.ts
var ANONYMOUS = { source: "anonymous (no credentials found)" };
function isAnonymous(credential) {
  return credential.password === void 0 && credential.identityToken === void 0;
}
function credentialProvider(options = {}) {
  const cache = /* @__PURE__ */ new Map();
  return (registry) => {
    let found = cache.get(registry);
    if (!found) {
      found = resolveCredential(registry, options);
      cache.set(registry, found);
    }
    return found;
  };
}
async function resolveCredential(registry, options = {}) {
  const env = options.env ?? process.env;
  const mask = (credential) => {
    for (const secret of [credential.password, credential.identityToken]) if (secret) options.mask?.(secret);
    return credential;
  };
  if (options.password) {
    if (!options.username) {
      throw new OciRegistryError(
        "usage",
        "credentials-invalid",
        `registry-password is set for ${registry} but registry-username is not`,
        'set registry-username too (for a token, any non-empty user name such as "token")'
      );
    }
    return mask({
      username: options.username,
      password: options.password,
      source: "registry-username/registry-password inputs"
    });
  }
  const fromConfig = await fromDockerConfig(
    registry,
    env,
    options.runHelper ?? credentialHelperRunner(env),
    options.mask
  );
  if (fromConfig) return mask(fromConfig);
  const host = normalizeServer(registry);
  if (host === "ghcr.io" && env.GITHUB_TOKEN) {
    return mask({
      username: env.GITHUB_ACTOR || "github-actions",
      password: env.GITHUB_TOKEN,
      source: "GITHUB_TOKEN"
    });
  }
  if (env.CI_REGISTRY && normalizeServer(env.CI_REGISTRY) === host && env.CI_REGISTRY_USER && env.CI_REGISTRY_PASSWORD) {
    return mask({
      username: env.CI_REGISTRY_USER,
      password: env.CI_REGISTRY_PASSWORD,
      source: "CI_REGISTRY_USER/CI_REGISTRY_PASSWORD"
    });
  }
  return ANONYMOUS;
}
function dockerConfigPath(env) {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), ".docker"), "config.json");
}
function normalizeServer(server) {
  const host = server.replace(/^[a-z]+:\/\//i, "").split("/")[0].toLowerCase();
  return host === "index.docker.io" || host === "registry-1.docker.io" ? DOCKER_HUB : host;
}
function serverUrl(registry) {
  return normalizeServer(registry) === DOCKER_HUB ? "https://index.docker.io/v1/" : registry;
}
async function fromDockerConfig(registry, env, runHelper, mask) {
  const path = dockerConfigPath(env);
  let config;
  try {
    config = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if (error.code === "ENOENT") return void 0;
    throw new OciRegistryError(
      "usage",
      "credentials-invalid",
      `docker config ${path} is not readable JSON`,
      "fix or remove the file",
      {
        cause: error
      }
    );
  }
  const host = normalizeServer(registry);
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => normalizeServer(key) === host)?.[1];
  if (helper) {
    const found = await fromHelper(helper, serverUrl(registry), runHelper, mask);
    return found ? { ...found, source: `docker config credHelpers[${host}] (docker-credential-${helper})` } : void 0;
  }
  const entry = Object.entries(config.auths ?? {}).find(([key]) => normalizeServer(key) === host);
  if (entry) {
    const [key, auth] = entry;
    const source = `docker config auths[${key}] in ${path}`;
    if (auth.identitytoken) {
      mask?.(auth.identitytoken);
      return {
        identityToken: auth.identitytoken,
        ...auth.username ? { username: auth.username } : {},
        source
      };
    }
    if (auth.auth) {
      mask?.(auth.auth);
      const decoded = Buffer.from(auth.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0) {
        throw new OciRegistryError(
          "usage",
          "credentials-invalid",
          `${source}: "auth" is not base64 of USER:PASSWORD`,
          "run docker login again"
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
  return void 0;
}
async function fromHelper(helper, server, runHelper, mask) {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    throw new OciRegistryError(
      "usage",
      "credentials-invalid",
      `credential helper name ${JSON.stringify(helper)} is not a plain name`
    );
  }
  let output;
  try {
    output = await runHelper(helper, server);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/credentials not found/i.test(message)) return void 0;
    throw new OciRegistryError(
      "failed",
      "credential-helper-failed",
      `docker-credential-${helper} get ${server} failed: ${message.split("\n")[0]}`,
      `check that docker-credential-${helper} is on PATH and logged in (docker login ${server})`,
      { cause: error }
    );
  }
  let parsed;
  try {
    parsed = JSON.parse(output);
  } catch {
    throw new OciRegistryError(
      "failed",
      "credential-helper-failed",
      `docker-credential-${helper} get ${server} did not print JSON`
    );
  }
  if (!parsed.Secret) return void 0;
  mask?.(parsed.Secret);
  if (parsed.Username === "<token>") return { identityToken: parsed.Secret };
  return { ...parsed.Username ? { username: parsed.Username } : {}, password: parsed.Secret };
}
function credentialHelperRunner(env = process.env) {
  return (name, input) => new Promise((resolve, reject) => {
    const child = execFile(
      `docker-credential-${name}`,
      ["get"],
      { timeout: 1e4, maxBuffer: 1024 * 1024, env },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${stdout.trim() || stderr.trim() || error.message}`, { cause: error }));
        else resolve(stdout);
      }
    );
    child.stdin?.on("error", () => void 0);
    child.stdin?.end(input);
  });
}

export {
  OciRegistryError,
  parseErrorBody,
  describeErrorBody,
  parseImageReference,
  manifestReference,
  formatReference,
  isLoopback,
  registryOrigin,
  ANONYMOUS,
  isAnonymous,
  credentialProvider,
  resolveCredential,
  dockerConfigPath,
  normalizeServer,
  credentialHelperRunner
};
