import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/attest/keyless-services.ts
var PUBLIC_GOOD_SERVICES = {
  fulcioURL: "https://fulcio.sigstore.dev",
  tsaURL: "https://timestamp.sigstore.dev",
  rekorURL: "https://rekor.sigstore.dev"
};
var KeylessSigningError = class extends PromotionError {
  constructor(code, message, hint, status, options) {
    super(code === "keyless-config" ? "usage" : "failed", code, message, hint, options);
    this.status = status;
  }
  status;
  name = "KeylessSigningError";
};
var KEYLESS_SERVICE_INPUTS = {
  fulcioURL: "attest-fulcio-url",
  tsaURL: "attest-tsa-url",
  rekorURL: "attest-rekor-url"
};
var SERVICE_OFF = "off";
function keylessServices(given) {
  const value = (name) => given[name]?.trim() || void 0;
  const fulcio = value("fulcioURL");
  const tsa = value("tsaURL");
  const rekor = value("rekorURL");
  if (fulcio === void 0 && tsa === void 0 && rekor === void 0) {
    return { ...PUBLIC_GOOD_SERVICES, publicGood: true };
  }
  if (fulcio === SERVICE_OFF) {
    throw new KeylessSigningError(
      "keyless-config",
      `${KEYLESS_SERVICE_INPUTS.fulcioURL}: Fulcio cannot be off for keyless signing`,
      `set ${KEYLESS_SERVICE_INPUTS.fulcioURL} to your Fulcio, or sign with attest-key instead`
    );
  }
  const on = (url) => url === void 0 || url === SERVICE_OFF ? void 0 : url;
  const services = {
    fulcioURL: fulcio ?? PUBLIC_GOOD_SERVICES.fulcioURL,
    ...on(tsa) && { tsaURL: on(tsa) },
    ...on(rekor) && { rekorURL: on(rekor) }
  };
  if (!services.tsaURL && !services.rekorURL) {
    throw new KeylessSigningError(
      "keyless-config",
      `${KEYLESS_SERVICE_INPUTS.fulcioURL} is set but neither ${KEYLESS_SERVICE_INPUTS.tsaURL} nor ${KEYLESS_SERVICE_INPUTS.rekorURL} is`,
      `a private Sigstore is named whole: set ${KEYLESS_SERVICE_INPUTS.tsaURL} (and ${KEYLESS_SERVICE_INPUTS.rekorURL} if it has a log) next to ${KEYLESS_SERVICE_INPUTS.fulcioURL}`
    );
  }
  const checked = checkServiceURLs(services);
  return {
    fulcioURL: checked.fulcioURL,
    ...checked.tsaURL && { tsaURL: checked.tsaURL },
    ...checked.rekorURL && { rekorURL: checked.rekorURL },
    publicGood: false
  };
}
function checkServiceURLs(services) {
  const fulcioURL = serviceURL("attest-fulcio-url", services.fulcioURL);
  const tsaURL = services.tsaURL ? serviceURL("attest-tsa-url", services.tsaURL) : void 0;
  const rekorURL = services.rekorURL ? serviceURL("attest-rekor-url", services.rekorURL) : void 0;
  if (!tsaURL && !rekorURL) {
    throw new KeylessSigningError(
      "keyless-config",
      "keyless signing: neither a timestamp authority nor a Rekor log is configured",
      "a Fulcio certificate is valid for ten minutes, so a verifier needs a trusted time for the signature: set attest-tsa-url (or attest-rekor-url)"
    );
  }
  return { fulcioURL, tsaURL, rekorURL };
}
var LOOPBACK_HOSTS = /* @__PURE__ */ new Set(["localhost", "127.0.0.1", "[::1]"]);
function serviceURL(input, value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new KeylessSigningError(
      "keyless-config",
      `${input}: ${JSON.stringify(value)} is not a URL`,
      `set ${input} to the service's base URL, e.g. ${exampleFor(input)}`
    );
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new KeylessSigningError(
      "keyless-config",
      `${input}: ${url.origin} is not HTTPS`,
      `use the service's https:// URL (plain http is accepted only on loopback), e.g. ${exampleFor(input)}`
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new KeylessSigningError(
      "keyless-config",
      `${input}: ${url.origin}${url.pathname} carries credentials, a query or a fragment`,
      `set ${input} to the service's base URL alone, e.g. ${exampleFor(input)}`
    );
  }
  return url.href.replace(/\/+$/, "");
}
function exampleFor(input) {
  if (input === "attest-tsa-url") return PUBLIC_GOOD_SERVICES.tsaURL;
  if (input === "attest-rekor-url") return PUBLIC_GOOD_SERVICES.rekorURL;
  return PUBLIC_GOOD_SERVICES.fulcioURL;
}

export {
  KeylessSigningError,
  KEYLESS_SERVICE_INPUTS,
  keylessServices,
  checkServiceURLs
};
