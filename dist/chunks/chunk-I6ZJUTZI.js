import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  sigstoreTokenSource
} from "./chunk-UTJAYMC6.js";
import {
  GITLAB_NOTE_LIMIT,
  fitMarkdown
} from "./chunk-P4EM6VDN.js";
import {
  GitlabRest,
  gitlabCiEnv
} from "./chunk-JHE52CC7.js";
import {
  escapeControls
} from "./chunk-TDPV7D6W.js";

// src/platform/gitlab-dotenv.ts
import { writeFile } from "node:fs/promises";
import path from "node:path";
var DOTENV_FILE = "model-promote.env";
function dotenvPath(env = process.env, cwd = process.cwd()) {
  return path.resolve(cwd, env.MODEL_PROMOTE_DOTENV?.trim() || DOTENV_FILE);
}
function dotenvVariables(record) {
  return {
    MODEL_PROMOTE_STATUS: record.status,
    MODEL_PROMOTE_MODEL: record.request.model,
    MODEL_PROMOTE_MODEL_VERSION: record.model?.version ?? "",
    MODEL_PROMOTE_ENVIRONMENT: record.request.environment,
    MODEL_PROMOTE_POOL: record.environment?.pool ?? "",
    // As the Action's `image`: a dry run builds none.
    MODEL_PROMOTE_IMAGE: !record.dryRun && record.image?.reference || "",
    MODEL_PROMOTE_IMAGE_DIGEST: record.image?.digest ?? "",
    MODEL_PROMOTE_MODEL_DIGEST: record.model?.digest ?? "",
    MODEL_PROMOTE_URL: record.environment?.endpoint ?? ""
  };
}
function renderDotenv(variables) {
  return Object.entries(variables).map(([key, value]) => `${key}=${value.replace(/[\r\n]+/g, " ")}
`).join("");
}
function gitlabDotenvReporter(options) {
  return {
    name: "GitLab dotenv report",
    async started() {
    },
    async finished(record) {
      await writeFile(options.file, renderDotenv(dotenvVariables(record)));
      options.logger.debug(`dotenv report written to ${options.file}`);
    }
  };
}

// src/platform/gitlab-merge-request-note.ts
var NO_TOKEN_WARNING = "merge-request note skipped: no gitlab-token. CI_JOB_TOKEN cannot post notes; create a project access token with the `api` scope (Reporter role), store it as a masked CI/CD variable GITLAB_TOKEN (or pass it as the gitlab-token input), or set comment: false to silence this.";
function noteMarker(model, environment) {
  const safe = (text) => text.replaceAll("--", "-\u2010").replaceAll(">", "\u203A");
  return `<!-- model-promote:${safe(model)}:${safe(environment)} -->`;
}
function noteBody(record, summaryMarkdown) {
  const marker = noteMarker(record.request.model, record.request.environment);
  return `${marker}
${fitMarkdown(summaryMarkdown, GITLAB_NOTE_LIMIT - marker.length - 1, {
    note: "_\u2026 cut here: too long for a note; the whole summary is in the job's artifacts (summary.md)._"
  })}`;
}
function gitlabMergeRequestNoteReporter(options) {
  const { ci, token, logger } = options;
  const project = `/projects/${encodeURIComponent(ci.projectId)}`;
  return {
    name: "GitLab merge-request note",
    async started(_inputs) {
      if (!token) logger.warn(NO_TOKEN_WARNING);
    },
    async finished(record, summaryMarkdown) {
      if (!token) return;
      const api = new GitlabRest({
        apiUrl: ci.apiUrl,
        token,
        ...options.fetch && { fetch: options.fetch }
      });
      const iid = ci.mergeRequestIid ?? await mergeRequestOfCommit(api, project, ci.commitSha);
      if (!iid) {
        logger.debug("no merge request for this pipeline or commit: no note");
        return;
      }
      const notesPath = `${project}/merge_requests/${encodeURIComponent(iid)}/notes`;
      const marker = noteMarker(record.request.model, record.request.environment);
      const existing = (await api.list(`${notesPath}?sort=asc&order_by=created_at`)).find(
        (note) => !note.system && note.body.includes(marker)
      );
      const body = noteBody(record, summaryMarkdown);
      if (existing) {
        await api.request("PUT", `${notesPath}/${existing.id}`, { body });
        logger.info(`merge request !${iid}: note ${existing.id} updated`);
      } else {
        const created = await api.request("POST", notesPath, { body });
        logger.info(`merge request !${iid}: note ${created.id} created`);
      }
    }
  };
}
async function mergeRequestOfCommit(api, project, sha) {
  if (!sha) return void 0;
  const found = await api.request(
    "GET",
    `${project}/repository/commits/${encodeURIComponent(sha)}/merge_requests`
  );
  const chosen = found.find((mr) => mr.state === "opened") ?? found.find((mr) => mr.state === "merged");
  return chosen ? String(chosen.iid) : void 0;
}

// src/platform/gitlab-reporters.ts
function gitlabReporters(inputs, ci, logger, env = process.env) {
  return [
    gitlabDotenvReporter({ file: dotenvPath(env), logger }),
    // Without inputs (they could not be read) the dotenv report still says the job failed and why.
    ...inputs?.comment ? [
      gitlabMergeRequestNoteReporter({
        ci,
        logger,
        ...inputs.gitlabToken && { token: inputs.gitlabToken }
      })
    ] : []
  ];
}

// src/platform/cli-platform.ts
function cliPlatform(options) {
  const secrets = /* @__PURE__ */ new Set();
  const write = options.write ?? ((line) => process.stderr.write(`${line}
`));
  const print = (line) => {
    let masked = line;
    for (const secret of secrets) masked = masked.replaceAll(secret, "***");
    write(escapeControls(masked));
  };
  const env = options.env ?? process.env;
  const gitlab = gitlabCiEnv(env);
  const logger = {
    info: (message) => print(message),
    warn: (message) => print(`warning: ${message}`),
    debug: (message) => {
      if (options.verbose) print(`debug: ${message}`);
    }
  };
  return {
    name: "cli",
    logger,
    readInput: options.readInput,
    ...gitlab?.jobUrl && { runUrl: gitlab.jobUrl },
    // In a GitLab job (the component runs this CLI): the dotenv report and the merge-request note.
    reporters: (inputs) => gitlab ? gitlabReporters(inputs, gitlab, logger, env) : [],
    // GitLab hands the token in the variable the component's `id_tokens:` names; elsewhere the
    // user sets it, as for cosign.
    identityToken: sigstoreTokenSource({
      platform: gitlab ? "gitlab" : "cli",
      env,
      mask: (secret) => secrets.add(secret)
    }),
    async group(title, work) {
      print(`\u2500\u2500 ${title}`);
      return work();
    },
    mask(secret) {
      if (secret) secrets.add(secret);
    },
    async setOutputs(outputs) {
      if (!options.verbose) return;
      for (const [name, value] of Object.entries(outputs))
        if (value !== void 0) print(`output ${name}=${value}`);
    },
    async writeSummary() {
    },
    fail(error) {
      for (const line of cliErrorLines(error)) print(line);
    }
  };
}
function cliErrorLines(error) {
  const [first = "", ...details] = error.message.split("\n");
  const cause = first.replace(/:\s*$/, "");
  return [
    `error: ${error.hint ? `${cause}. Fix: ${error.hint}` : cause}`,
    ...details.filter((line) => line.trim()).map((line) => `  ${line}`)
  ];
}

export {
  cliPlatform,
  cliErrorLines
};
