import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  KeylessSigningError
} from "./chunk-NMTSEJ4W.js";

// src/platform/sigstore-token.ts
var SIGSTORE_AUDIENCE = "sigstore";
var SIGSTORE_TOKEN_VARIABLE = "SIGSTORE_ID_TOKEN";
var GITHUB_FIX = "grant the job `permissions: id-token: write` (and `attestations: write` to publish it on GitHub)";
var gitlabFix = (variable) => `add to the job: \`id_tokens: { ${variable}: { aud: ${SIGSTORE_AUDIENCE} } }\``;
function sigstoreTokenSource(options) {
  const variable = options.variable ?? SIGSTORE_TOKEN_VARIABLE;
  const given = Boolean(options.env[variable]?.trim());
  const runner = options.platform === "github" && Boolean(options.env.ACTIONS_ID_TOKEN_REQUEST_URL && options.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  return {
    available: given || runner,
    howToEnable: fixFor(options.platform, variable),
    async fetch() {
      const found = await findSigstoreToken(options);
      if (found.found) return found.token;
      throw new KeylessSigningError(
        "oidc-token-invalid",
        "keyless signing: the OIDC identity token is no longer there",
        found.fix
      );
    }
  };
}
async function findSigstoreToken(options) {
  const variable = options.variable ?? SIGSTORE_TOKEN_VARIABLE;
  const given = options.env[variable]?.trim();
  if (given) {
    options.mask(given);
    return { found: true, token: given, source: `$${variable}` };
  }
  if (options.platform === "github") {
    if (!options.env.ACTIONS_ID_TOKEN_REQUEST_URL || !options.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      return { found: false, fix: fixFor("github", variable) };
    }
    if (!options.requestGithubToken) {
      throw new Error("findSigstoreToken: requestGithubToken is required on GitHub");
    }
    let token;
    try {
      token = (await options.requestGithubToken(SIGSTORE_AUDIENCE)).trim();
    } catch (cause) {
      throw new KeylessSigningError(
        "oidc-token-invalid",
        `keyless signing: GitHub did not issue an OIDC token for audience ${SIGSTORE_AUDIENCE}: ${reasonOf(cause)}`,
        GITHUB_FIX,
        void 0,
        { cause }
      );
    }
    if (!token) {
      throw new KeylessSigningError(
        "oidc-token-invalid",
        "keyless signing: GitHub answered the OIDC token request with an empty token",
        "run the job again"
      );
    }
    options.mask(token);
    return { found: true, token, source: "GitHub Actions OIDC" };
  }
  return { found: false, fix: fixFor(options.platform, variable) };
}
function fixFor(platform, variable) {
  if (platform === "github") return GITHUB_FIX;
  if (platform === "gitlab") return gitlabFix(variable);
  return `set ${variable} to an OIDC token whose audience is ${SIGSTORE_AUDIENCE}, or sign with attest-key`;
}
function reasonOf(cause) {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.replace(/\s+/g, " ").trim();
}

export {
  sigstoreTokenSource
};
