import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  runPromotion
} from "./chunk-WZLEDAQK.js";
import "./chunk-OO2DKS6N.js";
import "./chunk-QFFU2CYM.js";
import "./chunk-GPU3YW72.js";
import "./chunk-D4NP6VRD.js";
import {
  sigstoreTokenSource
} from "./chunk-UTJAYMC6.js";
import "./chunk-NMTSEJ4W.js";
import {
  GITHUB_COMMENT_LIMIT,
  fitMarkdown
} from "./chunk-P4EM6VDN.js";
import {
  GithubRequestError,
  createGithubClient,
  githubContextFromEnv,
  githubRequestError,
  runUrlFromEnv
} from "./chunk-JTRFKBLH.js";
import "./chunk-EN2KTAKO.js";
import "./chunk-72BHJSEV.js";
import "./chunk-3OPSWSUX.js";
import "./chunk-HBU5M3SB.js";
import "./chunk-LNRYJ34N.js";
import "./chunk-QEWPVKDM.js";
import "./chunk-N2JUA4T2.js";
import "./chunk-HER5W5ST.js";
import "./chunk-SDNU7X5E.js";
import "./chunk-H6BCI6VU.js";
import "./chunk-JYAUU2OO.js";
import "./chunk-C6EBHX6A.js";
import "./chunk-L6YJBKPG.js";
import "./chunk-K6FNU6RV.js";
import "./chunk-XKCH53FU.js";
import "./chunk-GQEFYV6N.js";
import "./chunk-H4IN4WRU.js";
import "./chunk-6737T3ZJ.js";
import "./chunk-DBH2WL4U.js";
import "./chunk-2YCQ6PVZ.js";
import "./chunk-XJS5JZWM.js";
import "./chunk-7UPFIEIQ.js";
import "./chunk-CNCN7DOH.js";
import "./chunk-CUXJFSTO.js";
import {
  ExitCode,
  debug,
  error,
  getIDToken,
  getInput,
  group,
  info,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunk-5H2OONN5.js";
import "./chunk-RX57AOIO.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-5WRRCTCN.js";
import "./chunk-WSVYLQDT.js";
import "./chunk-R2UCZZQQ.js";
import "./chunk-P4GOECZY.js";
import "./chunk-CPYVGYKC.js";
import "./chunk-6UQBBSCY.js";
import "./chunk-2BDLSEHF.js";
import "./chunk-5ZVCNGR2.js";
import "./chunk-WPYXZ6I6.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-6U5D3XBS.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-UCNWDHAO.js";
import "./chunk-TYF5U52R.js";
import "./chunk-T7SLIWTS.js";
import "./chunk-VUSZPZLG.js";
import "./chunk-7PSXYHQK.js";
import "./chunk-CZEGYLQK.js";
import {
  escapeControls,
  neutralizeGithubCommands,
  oneLine
} from "./chunk-TDPV7D6W.js";
import {
  loadCatalog
} from "./chunk-SSD7BEGC.js";
import "./chunk-BDT4GVSW.js";
import "./chunk-3HG2YFLT.js";
import "./chunk-HP3MR4JB.js";
import "./chunk-IIQ7BM2O.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-VHMCSZIG.js";
import "./chunk-36Q42R3Y.js";
import {
  UsageError,
  describeError
} from "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";

// src/platform/github-platform.ts
import path from "node:path";

// src/platform/github-attestations.ts
var ATTESTATIONS_PERMISSION = "attestations: write";
async function publishGitHubAttestation(octokit, repo, bundle) {
  const doing = `storing the promotion attestation with ${repo.owner}/${repo.repo}'s artifact attestations`;
  let id;
  try {
    const response = await octokit.rest.repos.createAttestation({
      owner: repo.owner,
      repo: repo.repo,
      bundle
    });
    id = response.data.id;
  } catch (error2) {
    throw githubRequestError(error2, doing, ATTESTATIONS_PERMISSION);
  }
  if (typeof id !== "number") {
    throw githubRequestError(new Error("the answer has no attestation id"), doing, ATTESTATIONS_PERMISSION);
  }
  return { id };
}
var REASON_LIMIT = 300;
function attestationsUnavailable(error2) {
  const answer = error2 instanceof GithubRequestError ? error2.cause : error2;
  const status = answer?.status;
  if (status !== 403 && status !== 404 && status !== 422) return void 0;
  const said = answer?.response?.data?.message ?? answer?.message;
  const message = oneLine(typeof said === "string" ? said : "").trim().slice(0, REASON_LIMIT);
  if (/feature not available/i.test(message)) return `GitHub answered ${status}: ${message}`;
  if (status === 404) {
    return `GitHub answered 404${message ? ` (${message})` : ""}: this GitHub has no artifact attestations API (e.g. GitHub Enterprise Server)`;
  }
  return void 0;
}
async function storeGitHubAttestation(octokit, repo, bundle, mode, logger) {
  const repository = `${repo.owner}/${repo.repo}`;
  try {
    return { store: "github", id: (await publishGitHubAttestation(octokit, repo, bundle)).id, repository };
  } catch (error2) {
    const reason = attestationsUnavailable(error2);
    if (reason === void 0 || !(error2 instanceof GithubRequestError)) throw error2;
    if (mode === "required") {
      throw new GithubRequestError(
        error2.code,
        error2.message,
        "GitHub does not offer artifact attestations for this repository (make it public, upgrade the plan, or use a GitHub with the API); or set github-attestations: auto to promote with the OCI referrer alone",
        error2.status,
        { cause: error2.cause }
      );
    }
    logger.warn(
      `the promotion attestation is not stored in ${repository}'s artifact attestations: ${reason}. It is still attached to the image as an OCI referrer (cosign, Kyverno and \`model-promote verify-promotion\` find it there). Set github-attestations: off to skip this store without asking, or required to make this a failure.`
    );
    return { store: "github", repository, skipped: "unavailable", reason };
  }
}
function githubAttestationStore(inputs, options) {
  const context = githubContextFromEnv(options.env, options.logger);
  if (!context) return void 0;
  const repo = { owner: context.owner, repo: context.repo };
  const repository = `${repo.owner}/${repo.repo}`;
  const name = `GitHub artifact attestations of ${repository}`;
  const mode = inputs.githubAttestations;
  if (mode === "off") {
    const skipped = {
      store: "github",
      repository,
      skipped: "off",
      reason: "github-attestations is off"
    };
    return { name, publish: async () => skipped };
  }
  if (!inputs.githubToken) {
    throw new UsageError(
      "attest is on, but there is no github-token to store the attestation with GitHub",
      `leave github-token at its default (the job's GITHUB_TOKEN) and grant \`permissions: ${ATTESTATIONS_PERMISSION}\`, or set github-attestations: off`
    );
  }
  const client = createGithubClient({
    ...options.client,
    token: inputs.githubToken,
    baseUrl: context.apiUrl,
    logger: options.logger
  });
  return { name, publish: (bundle) => storeGitHubAttestation(client, repo, bundle, mode, options.logger) };
}

// src/platform/github-deployment.ts
var DESCRIPTION_LIMIT = 140;
function productionFromName(environment) {
  return { production: /^(production|prod)$/i.test(environment), source: "name" };
}
function deploymentRequest(inputs, context, production) {
  return {
    ref: context.ref ?? context.sha,
    environment: inputs.environment,
    description: oneLine2(`model-promote: ${inputs.model} ${inputs.version} to ${inputs.environment}`),
    production_environment: production,
    transient_environment: false,
    auto_merge: false,
    required_contexts: [],
    payload: { model: inputs.model, version: inputs.version, registry: inputs.registry }
  };
}
function finalStatus(record, runUrl) {
  const state = stateOf(record);
  const endpoint = state === "success" ? record.environment?.endpoint : void 0;
  return {
    state,
    description: oneLine2(describe(record)),
    auto_inactive: true,
    ...endpoint && { environment_url: endpoint },
    ...runUrl && { log_url: runUrl }
  };
}
function stateOf(record) {
  if (record.status === "succeeded") return "success";
  return record.error?.kind === "usage" ? "error" : "failure";
}
function describe(record) {
  const version = record.model ? `v${record.model.version}` : record.request.version;
  const subject = `${record.request.model} ${version}`;
  if (record.status === "succeeded") {
    const pool = record.environment?.pool ? ` on ${record.environment.pool}` : "";
    const digest = record.image?.digest ? `, image ${record.image.digest.slice(0, 19)}` : "";
    return `${subject} promoted${pool}${digest}`;
  }
  const reason = record.error ? `: ${record.error.code}: ${record.error.message}` : "";
  return `${subject} ${record.status}${reason}`;
}
function oneLine2(text) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= DESCRIPTION_LIMIT ? flat : `${flat.slice(0, DESCRIPTION_LIMIT - 1)}\u2026`;
}
function deploymentReporter(deps) {
  const { client, context, logger } = deps;
  const { owner, repo } = context;
  let deployment;
  const permission = "deployments: write";
  return {
    name: "GitHub deployment",
    async started(inputs) {
      if (inputs.dryRun) {
        logger.debug("dry run: no GitHub deployment");
        return;
      }
      const flag = await deps.production(inputs);
      if (flag.source === "name") {
        logger.debug(
          `production_environment ${flag.production}: guessed from the environment name ${inputs.environment} (the catalog did not say)`
        );
      }
      const doing = `creating a deployment for ${inputs.environment}`;
      let id;
      try {
        const response = await client.rest.repos.createDeployment({
          owner,
          repo,
          ...deploymentRequest(inputs, context, flag.production)
        });
        id = "id" in response.data ? response.data.id : void 0;
      } catch (error2) {
        throw githubRequestError(error2, doing, permission);
      }
      if (id === void 0)
        throw githubRequestError(new Error("no deployment was created"), doing, permission);
      deployment = { id, environment: inputs.environment };
      try {
        await client.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: id,
          state: "in_progress",
          description: oneLine2(`promoting ${inputs.model} ${inputs.version}`),
          ...context.runUrl && { log_url: context.runUrl }
        });
      } catch (error2) {
        throw githubRequestError(error2, `marking deployment ${id} in progress`, permission);
      }
      logger.info(`GitHub deployment ${id} to ${inputs.environment}: in progress`);
    },
    async finished(record) {
      if (!deployment) return;
      const status = finalStatus(record, context.runUrl);
      try {
        await client.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: deployment.id,
          ...status
        });
      } catch (error2) {
        throw githubRequestError(error2, `marking deployment ${deployment.id} ${status.state}`, permission);
      }
      logger.info(`GitHub deployment ${deployment.id} to ${deployment.environment}: ${status.state}`);
    }
  };
}

// src/platform/github-merged-comment.ts
var COMMENT_LIMIT = GITHUB_COMMENT_LIMIT;
var OUTCOME_TAG = "<!-- model-promote:after-merge -->";
var PLAN_START = "<!-- model-promote:plan -->";
var PLAN_END = "<!-- /model-promote:plan -->";
function earlierPlan(existing, marker) {
  if (existing === void 0) return void 0;
  const start = existing.indexOf(PLAN_START);
  const end = start < 0 ? -1 : existing.indexOf(PLAN_END, start);
  if (start >= 0 && end >= 0) return existing.slice(start + PLAN_START.length, end).trim() || void 0;
  if (existing.includes(OUTCOME_TAG)) return void 0;
  return existing.replace(marker, "").trim() || void 0;
}
function outcomeText(record) {
  const rolledBack = (record.deploy ?? []).some((d) => d.rolledBack);
  switch (record.status) {
    case "succeeded":
      return "\u2705 promoted";
    case "planned":
      return "\u{1F4DD} planned (dry run: nothing was changed)";
    case "refused":
      return "\u26D4 refused";
    case "failed":
      return rolledBack ? "\u21A9\uFE0F failed and rolled back" : "\u274C failed";
  }
}
function mergedCommentBody(parts) {
  const { marker, record, runUrl } = parts;
  const version = record.model ? `v${record.model.version}` : record.request.version;
  const head = [
    marker,
    OUTCOME_TAG,
    `### After the merge: ${code(record.request.model)} ${version} \u2192 ${code(record.request.environment)}: ${outcomeText(record)}`,
    ""
  ];
  const rows = [];
  if (record.image) rows.push(["Image digest", code(record.image.digest)]);
  if (record.environment?.endpoint) rows.push(["Environment URL", record.environment.endpoint]);
  for (const deploy of record.deploy ?? []) {
    if (!deploy.rolledBack) continue;
    const back = deploy.previousVersion ? ` to v${deploy.previousVersion}` : "";
    const why = deploy.reason ? `: ${deploy.reason}` : "";
    rows.push(["Rolled back", `${code(deploy.cluster)} ${code(deploy.namespace)}${back}${why}`]);
  }
  const shortSha = code(parts.sha.slice(0, 12));
  rows.push(["Commit", parts.commitUrl ? `[${shortSha}](${parts.commitUrl})` : shortSha]);
  if (runUrl) rows.push(["Run", `[model-promote run](${runUrl})`]);
  head.push(...rows.map(([k, v]) => `- **${k}:** ${cell(v)}`), "");
  if (record.error) {
    head.push(`> **${record.error.code}**: ${cell(record.error.message.split("\n")[0] ?? "")}`);
    if (record.error.hint) head.push(`> Fix: ${cell(record.error.hint)}`);
    head.push("");
  }
  const footer = runUrl ? `<sub>[model-promote run](${runUrl})</sub>` : "<sub>model-promote</sub>";
  const summary2 = (text) => [
    "<details><summary>The promotion</summary>",
    "",
    text.trimEnd(),
    "",
    "</details>",
    ""
  ];
  const plan = (text) => [
    "<details><summary>Before the merge: the pull request's plan</summary>",
    "",
    PLAN_START,
    text,
    PLAN_END,
    "",
    "</details>",
    ""
  ];
  const render = (summaryText, planText) => [...head, ...summary2(summaryText), ...planText === void 0 ? [] : plan(planText), footer, ""].join(
    "\n"
  );
  let body = render(parts.summaryMarkdown, parts.plan);
  if (body.length <= COMMENT_LIMIT) return body;
  const tooLong = runUrl ? `_Too long for a comment: see the job summary of the [run](${runUrl})._` : "_Too long for a comment: see the job summary of the run._";
  body = render(tooLong, parts.plan);
  if (body.length <= COMMENT_LIMIT || parts.plan === void 0) return body;
  const cut = "\n\n_(cut: too long for a comment)_";
  const room = COMMENT_LIMIT - render(tooLong, "").length - cut.length;
  return render(tooLong, `${parts.plan.slice(0, Math.max(0, room))}${cut}`);
}
function code(text) {
  return `\`${text.replaceAll("`", "'")}\``;
}
function cell(text) {
  return text.replaceAll("|", "\\|").replace(/\s*\n\s*/g, " ");
}

// src/platform/github-pr-comment.ts
function commentMarker(model, environment) {
  const safe = (text) => text.replaceAll("--", "-\u2010").replaceAll(">", "\u203A");
  return `<!-- model-promote:${safe(model)}:${safe(environment)} -->`;
}
function commentBody(summaryMarkdown, marker, runUrl) {
  const footer = runUrl ? `<sub>[model-promote run](${runUrl})</sub>` : "<sub>model-promote</sub>";
  const frame = (text) => `${marker}
${text.trimEnd()}

${footer}
`;
  const room = GITHUB_COMMENT_LIMIT - frame("").length;
  return frame(
    fitMarkdown(summaryMarkdown.trimEnd(), room, {
      note: runUrl ? `_\u2026 cut here: too long for a comment; the whole summary is on the [run's page](${runUrl})._` : "_\u2026 cut here: too long for a comment; the whole summary is on the run's page._"
    })
  );
}
function pullRequestWithHead(pulls, sha) {
  return pulls.find((pr) => pr.state === "open" && pr.head.sha === sha)?.number;
}
function mergedPullRequest(pulls, sha) {
  return pulls.find((pr) => Boolean(pr.merged_at) && (pr.merge_commit_sha === sha || pr.head.sha === sha))?.number;
}
function pullRequestOfCommit(pulls, sha, eventName) {
  if (eventName === "push") {
    const merged = mergedPullRequest(pulls, sha);
    if (merged !== void 0) return { number: merged, merged: true };
  }
  const open = pullRequestWithHead(pulls, sha);
  return open === void 0 ? void 0 : { number: open, merged: false };
}
function eventPullRequestMerged(payload) {
  const pr = payload.pull_request;
  return pr?.merged === true;
}
async function findPullRequest(client, context) {
  if (context.pullRequest !== void 0)
    return { number: context.pullRequest, merged: eventPullRequestMerged(context.payload) };
  try {
    const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: context.owner,
      repo: context.repo,
      commit_sha: context.sha,
      per_page: 100
    });
    return pullRequestOfCommit(data, context.sha, context.eventName);
  } catch (error2) {
    throw githubRequestError(error2, `finding the pull request of commit ${context.sha}`, "contents: read");
  }
}
async function upsertComment(client, target, marker, body) {
  const { owner, repo, issueNumber } = target;
  const where = `PR #${issueNumber}`;
  let existing;
  try {
    const iterator = client.paginate.iterator(client.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100
    });
    for await (const page of iterator) {
      existing = page.data.find((comment) => comment.body?.includes(marker));
      if (existing) break;
    }
  } catch (error2) {
    throw githubRequestError(error2, `listing the comments of ${where}`, "pull-requests: read");
  }
  const text = typeof body === "string" ? body : body(existing?.body);
  try {
    if (existing) {
      const { data: data2 } = await client.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing.id,
        body: text
      });
      return { action: "updated", id: data2.id, url: data2.html_url };
    }
    const { data } = await client.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body: text
    });
    return { action: "created", id: data.id, url: data.html_url };
  } catch (error2) {
    throw githubRequestError(
      error2,
      `${existing ? "updating" : "posting"} the comment on ${where}`,
      "pull-requests: write"
    );
  }
}
function prCommentReporter(deps) {
  const { client, context, inputs, logger } = deps;
  return {
    name: "PR comment",
    async started() {
    },
    async finished(record, summaryMarkdown) {
      const pullRequest = await findPullRequest(client, context);
      if (pullRequest === void 0) {
        logger.debug(
          `no pull request for ${context.eventName ?? "this event"} at ${context.sha}: no PR comment`
        );
        return;
      }
      const issueNumber = pullRequest.number;
      const marker = commentMarker(inputs.model, inputs.environment);
      const body = pullRequest.merged ? (existing) => mergedCommentBody({
        marker,
        record,
        summaryMarkdown,
        sha: context.sha,
        commitUrl: `${context.serverUrl}/${context.owner}/${context.repo}/commit/${context.sha}`,
        ...context.runUrl && { runUrl: context.runUrl },
        plan: earlierPlan(existing, marker)
      }) : commentBody(summaryMarkdown, marker, context.runUrl);
      const outcome = await upsertComment(
        client,
        { owner: context.owner, repo: context.repo, issueNumber },
        marker,
        body
      );
      const what = pullRequest.merged ? "outcome comment (merged PR)" : "summary comment";
      logger.info(`PR #${issueNumber}: ${what} ${outcome.action} (${outcome.url})`);
    }
  };
}

// src/platform/github-reporters.ts
function githubReporters(inputs, options) {
  const { logger } = options;
  if (!inputs.comment && !inputs.deployment) return [];
  const context = githubContextFromEnv(options.env ?? process.env, logger);
  if (!context) {
    logger.debug(
      "not in a GitHub Actions run (no GITHUB_REPOSITORY or GITHUB_SHA): no deployment or PR comment"
    );
    return [];
  }
  if (!inputs.githubToken) {
    logger.warn("no github-token (or GITHUB_TOKEN): no GitHub deployment or PR comment");
    return [];
  }
  const client = createGithubClient({
    ...options.client,
    token: inputs.githubToken,
    baseUrl: context.apiUrl,
    logger
  });
  return reportersFor(inputs, { client, context, logger, cwd: options.cwd ?? process.cwd() });
}
function reportersFor(inputs, deps) {
  const { client, context, logger } = deps;
  const reporters = [];
  if (inputs.deployment) {
    const production = (request) => productionFromCatalog(request, deps.cwd);
    reporters.push(deploymentReporter({ client, context, logger, production }));
  }
  if (inputs.comment) reporters.push(prCommentReporter({ client, context, inputs, logger }));
  return reporters;
}
async function productionFromCatalog(inputs, cwd) {
  try {
    const { catalog } = await loadCatalog(inputs.catalog, cwd);
    const environment = catalog.environments[inputs.environment];
    if (environment) return { production: environment.production, source: "catalog" };
  } catch {
  }
  return productionFromName(inputs.environment);
}

// src/platform/platform.ts
function locationOf(error2) {
  const location = error2.location;
  return location && typeof location.file === "string" ? location : void 0;
}

// src/platform/github-platform.ts
function githubPlatform(options = {}) {
  const env = options.env ?? process.env;
  const logger = {
    info: (message) => info(neutralizeGithubCommands(escapeControls(message))),
    warn: (message) => warning(escapeControls(message)),
    debug: (message) => debug(escapeControls(message))
  };
  const runUrl = runUrlFromEnv(env);
  return {
    name: "github",
    logger,
    readInput: (name) => getInput(name),
    ...runUrl && { runUrl },
    group: (title, work) => group(title, work),
    mask: (secret) => setSecret(secret),
    identityToken: sigstoreTokenSource({
      platform: "github",
      env,
      mask: (secret) => setSecret(secret),
      requestGithubToken: (audience) => getIDToken(audience)
    }),
    async setOutputs(outputs) {
      for (const [name, value] of Object.entries(outputs)) {
        if (value !== void 0) setOutput(name, value);
      }
    },
    async writeSummary(markdown) {
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await summary.addRaw(markdown, true).write();
    },
    fail(error2) {
      const location = locationOf(error2);
      const message = escapeControls(describeError(error2));
      if (!location) {
        setFailed(message);
        return;
      }
      process.exitCode = ExitCode.Failure;
      error(message, {
        title: `model-promote: ${error2.code}`,
        file: annotationPath(location.file, env.GITHUB_WORKSPACE),
        ...location.line !== void 0 && { startLine: location.line },
        ...location.column !== void 0 && { startColumn: location.column }
      });
    },
    attestationStore: (inputs) => githubAttestationStore(inputs, {
      env,
      logger,
      ...options.client && { client: options.client }
    }),
    // A deployment or a PR comment needs the inputs (token, model, environment): none without them.
    reporters: (inputs) => !inputs ? [] : githubReporters(inputs, {
      logger,
      env,
      ...env.GITHUB_WORKSPACE && { cwd: env.GITHUB_WORKSPACE },
      ...options.client && { client: options.client }
    })
  };
}
function annotationPath(file, workspace) {
  if (!workspace || !path.isAbsolute(file)) return file;
  const relative = path.relative(workspace, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
}

// src/main.ts
async function run() {
  const platform = githubPlatform();
  const workspace = process.env.GITHUB_WORKSPACE;
  process.exitCode = await runPromotion(platform, workspace ? { cwd: workspace } : {});
}
export {
  run
};
