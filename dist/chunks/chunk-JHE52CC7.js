import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/platform/gitlab-ci-env.ts
function gitlabCiEnv(env = process.env) {
  if (env.GITLAB_CI !== "true") return void 0;
  const set = (value) => value?.trim() ? value.trim() : void 0;
  const apiUrl = set(env.CI_API_V4_URL) ?? (set(env.CI_SERVER_URL) && `${set(env.CI_SERVER_URL)}/api/v4`);
  const projectId = set(env.CI_PROJECT_ID);
  const optional = (key, value) => value === void 0 ? {} : { [key]: value };
  return {
    apiUrl: (apiUrl ?? "").replace(/\/+$/, ""),
    projectId: projectId ?? "",
    ...optional("mergeRequestIid", set(env.CI_MERGE_REQUEST_IID)),
    ...optional("commitSha", set(env.CI_COMMIT_SHA)),
    ...optional("jobUrl", set(env.CI_JOB_URL))
  };
}

// src/platform/gitlab-rest.ts
var GitlabError = class extends PromotionError {
  name = "GitlabError";
  constructor(code, message, hint, options) {
    super("failed", code, message, hint, options);
  }
};
var GitlabRest = class {
  constructor(options) {
    this.options = options;
    this.fetch = options.fetch ?? fetch;
  }
  options;
  fetch;
  async request(method, path, body) {
    const { json } = await this.send(method, path, body);
    return json;
  }
  /** Every page of a list (`per_page=100`, following `x-next-page`). */
  async list(path, maxPages = 20) {
    const items = [];
    let page = "1";
    for (let n = 0; n < maxPages && page; n++) {
      const separator = path.includes("?") ? "&" : "?";
      const { json, headers } = await this.send("GET", `${path}${separator}per_page=100&page=${page}`);
      items.push(...json);
      page = headers.get("x-next-page") ?? "";
    }
    return items;
  }
  async send(method, path, body) {
    const what = `${method} ${path.replace(/[?&](per_page|page)=[^&]*/g, "")}`;
    let response;
    try {
      response = await this.fetch(`${this.options.apiUrl}${path}`, {
        method,
        headers: {
          "PRIVATE-TOKEN": this.options.token,
          Accept: "application/json",
          ...body !== void 0 && { "Content-Type": "application/json" }
        },
        ...body !== void 0 && { body: JSON.stringify(body) },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15e3)
      });
    } catch (error) {
      throw new GitlabError(
        "gitlab-unreachable",
        `${what}: ${error instanceof Error ? error.message : String(error)}`,
        `check that CI_API_V4_URL (${this.options.apiUrl}) is reachable from the job`,
        { cause: error }
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new GitlabError(
        "gitlab-api",
        `${what}: ${response.status} ${gitlabMessage(text) || response.statusText}`,
        hintFor(response.status)
      );
    }
    return { json: text ? JSON.parse(text) : void 0, headers: response.headers };
  }
};
function gitlabMessage(text) {
  try {
    const parsed = JSON.parse(text);
    const said = parsed.message ?? parsed.error;
    return typeof said === "string" ? said : JSON.stringify(said ?? parsed);
  } catch {
    return text.slice(0, 200);
  }
}
function hintFor(status) {
  if (status === 401) return "the gitlab-token (GITLAB_TOKEN) is invalid or expired";
  if (status === 403)
    return "give gitlab-token the `api` scope and at least the Reporter role on the project";
  if (status === 404) return "the project or merge request is not visible to the gitlab-token";
  return void 0;
}

export {
  gitlabCiEnv,
  GitlabRest
};
