import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DOCKER_HUB,
  OciRegistryError
} from "./chunk-36Q42R3Y.js";

// src/oci/remote/credentials.ts
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
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
  ANONYMOUS,
  isAnonymous,
  credentialProvider,
  resolveCredential,
  dockerConfigPath,
  normalizeServer,
  credentialHelperRunner
};
