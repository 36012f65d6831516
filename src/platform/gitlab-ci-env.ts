/**
 * GitLab CI, as its predefined variables describe the job: where the REST API is, which project,
 * merge request and commit, and the job's page. Read once from the environment; nothing else in
 * the GitLab code reads `process.env`.
 */
export interface GitlabCiEnv {
  /** `CI_API_V4_URL`, e.g. `https://gitlab.com/api/v4`. */
  readonly apiUrl: string;
  readonly projectId: string;
  /** `CI_MERGE_REQUEST_IID`: set only in merge-request pipelines. */
  readonly mergeRequestIid?: string;
  readonly commitSha?: string;
  readonly jobUrl?: string;
}

/** The job's GitLab context when running under GitLab CI (`GITLAB_CI=true`), else undefined. */
export function gitlabCiEnv(env: NodeJS.ProcessEnv = process.env): GitlabCiEnv | undefined {
  if (env.GITLAB_CI !== 'true') return undefined;
  const set = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const apiUrl = set(env.CI_API_V4_URL) ?? (set(env.CI_SERVER_URL) && `${set(env.CI_SERVER_URL)}/api/v4`);
  const projectId = set(env.CI_PROJECT_ID);
  const optional = <K extends string>(key: K, value: string | undefined) =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;
  return {
    apiUrl: (apiUrl ?? '').replace(/\/+$/, ''),
    projectId: projectId ?? '',
    ...optional('mergeRequestIid', set(env.CI_MERGE_REQUEST_IID)),
    ...optional('commitSha', set(env.CI_COMMIT_SHA)),
    ...optional('jobUrl', set(env.CI_JOB_URL)),
  };
}
