import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  createGithubClient,
  githubRequestError,
  runUrlFromEnv
} from "./chunk-JTRFKBLH.js";
import {
  GitlabRest,
  gitlabCiEnv
} from "./chunk-JHE52CC7.js";
import {
  driftMarkdown
} from "./chunk-JLHKTHJO.js";
import "./chunk-EN2KTAKO.js";
import "./chunk-RX57AOIO.js";
import "./chunk-WPYXZ6I6.js";
import "./chunk-IIQ7BM2O.js";
import {
  UsageError,
  asPromotionError,
  describeError
} from "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";

// src/platform/drift-issue.ts
function driftIssueMarker(environment) {
  const safe = environment.replaceAll("--", "-\u2010").replaceAll(">", "\u203A");
  return `<!-- model-promote-drift:${safe} -->`;
}
function driftIssueTitle(environment) {
  return `Drift in ${environment}: the cluster differs from the last promotion`;
}
function driftIssueBody(record, marker, runUrl) {
  return `${marker}
${driftMarkdown(record, runUrl)}`;
}
function driftGoneComment(record, runUrl) {
  const what = record.status === "nothing-promoted" ? "nothing is promoted there any more" : "no drift found";
  return `Checked ${record.checkedAt}${runUrl ? ` by [this run](${runUrl})` : ""}: ${what}. Closing.`;
}
async function reportDriftOnGithub(client, repo, target) {
  const marker = target.marker ?? driftIssueMarker(target.record.environment);
  const existing = await findGithubIssue(client, repo, marker);
  return writeGithubIssue(client, repo, existing, { ...target, marker });
}
async function findGithubIssue(client, repo, marker) {
  try {
    const iterator = client.paginate.iterator(client.rest.issues.listForRepo, {
      ...repo,
      state: "open",
      per_page: 100
    });
    for await (const page of iterator) {
      const found = page.data.find((i) => !i.pull_request && i.body?.includes(marker));
      if (found) return found;
    }
    return void 0;
  } catch (error) {
    throw githubRequestError(error, "listing the open issues", "issues: read");
  }
}
async function writeGithubIssue(client, repo, existing, target) {
  const { record, runUrl } = target;
  const marker = target.marker ?? driftIssueMarker(record.environment);
  try {
    if (record.status === "drift") {
      const body = driftIssueBody(record, marker, runUrl);
      if (existing) {
        const { data: data3 } = await client.rest.issues.update({ ...repo, issue_number: existing.number, body });
        return { action: "updated", number: data3.number, url: data3.html_url };
      }
      const { data: data2 } = await client.rest.issues.create({
        ...repo,
        title: driftIssueTitle(record.environment),
        body
      });
      return { action: "created", number: data2.number, url: data2.html_url };
    }
    if (!existing) return { action: "none" };
    await client.rest.issues.createComment({
      ...repo,
      issue_number: existing.number,
      body: driftGoneComment(record, runUrl)
    });
    const { data } = await client.rest.issues.update({
      ...repo,
      issue_number: existing.number,
      state: "closed",
      state_reason: "completed"
    });
    return { action: "closed", number: data.number, url: data.html_url };
  } catch (error) {
    throw githubRequestError(error, `writing the drift issue of ${record.environment}`, "issues: write");
  }
}
async function reportDriftOnGitlab(api, projectId, target) {
  const { record, runUrl } = target;
  const marker = target.marker ?? driftIssueMarker(record.environment);
  const issues = `/projects/${encodeURIComponent(projectId)}/issues`;
  const existing = (await api.list(`${issues}?state=opened`)).find(
    (i) => i.description?.includes(marker)
  );
  if (record.status === "drift") {
    const description = driftIssueBody(record, marker, runUrl);
    if (existing) {
      const updated = await api.request("PUT", `${issues}/${existing.iid}`, { description });
      return { action: "updated", number: updated.iid, url: updated.web_url };
    }
    const created = await api.request("POST", issues, {
      title: driftIssueTitle(record.environment),
      description
    });
    return { action: "created", number: created.iid, url: created.web_url };
  }
  if (!existing) return { action: "none" };
  await api.request("POST", `${issues}/${existing.iid}/notes`, { body: driftGoneComment(record, runUrl) });
  const closed = await api.request("PUT", `${issues}/${existing.iid}`, { state_event: "close" });
  return { action: "closed", number: closed.iid, url: closed.web_url };
}

// src/cli/drift-issue-sink.ts
function issueSink(env, logger) {
  const report = chooseSink(env, logger);
  return async (record) => {
    try {
      const outcome = await report(record);
      logger.info(outcomeLine(record.environment, outcome));
    } catch (error) {
      logger.warn(`drift issue not written: ${describeError(asPromotionError(error))}`);
    }
  };
}
function chooseSink(env, logger) {
  const gitlab = gitlabCiEnv(env);
  if (gitlab) {
    const token2 = env.GITLAB_TOKEN?.trim();
    if (!token2 || !gitlab.apiUrl || !gitlab.projectId)
      throw new UsageError(
        "--report-issue on GitLab needs GITLAB_TOKEN, CI_API_V4_URL and CI_PROJECT_ID",
        "store a project access token with the `api` scope (Reporter role) as a masked CI/CD variable GITLAB_TOKEN (CI_JOB_TOKEN cannot write issues)"
      );
    const api = new GitlabRest({ apiUrl: gitlab.apiUrl, token: token2 });
    return (record) => reportDriftOnGitlab(api, gitlab.projectId, {
      record,
      logger,
      ...gitlab.jobUrl && { runUrl: gitlab.jobUrl }
    });
  }
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const token = env.GITHUB_TOKEN?.trim();
  if (!owner || !repo || !token)
    throw new UsageError(
      "--report-issue needs GITHUB_REPOSITORY (owner/name) and GITHUB_TOKEN on GitHub, or GITLAB_TOKEN under GitLab CI",
      "in a workflow, set env GITHUB_TOKEN: ${{ github.token }} and grant permissions issues: write"
    );
  const client = createGithubClient({
    token,
    baseUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    logger
  });
  const runUrl = runUrlFromEnv(env);
  return (record) => reportDriftOnGithub(client, { owner, repo }, { record, logger, ...runUrl && { runUrl } });
}
function outcomeLine(environment, outcome) {
  if (outcome.action === "none") return `drift issue: none open for ${environment}, none needed`;
  return `drift issue #${outcome.number} ${outcome.action} (${outcome.url})`;
}
export {
  issueSink
};
