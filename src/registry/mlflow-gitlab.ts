/**
 * GitLab's model registry speaks the MLflow REST API under
 * `https://GITLAB/api/v4/projects/ID/ml/mlflow`, with these differences (GitLab's API docs and its
 * lib/api/ml/mlflow sources):
 *
 * - versions are semantic versions (`1.2.0`); `model-versions/get?version=1.2.0` finds one, but the
 *   `version` field it returns is GitLab's internal model version id, and `get-download-uri` takes
 *   that id and answers `mlflow-artifacts:/<id>`; the artifact proxy then serves
 *   `/api/2.0/mlflow-artifacts/artifacts?path=<id>` and `.../artifacts/<id>/<file>` from the
 *   version's package;
 * - there is no `model-versions/search`: `latest` uses `registered-models/get-latest-versions`;
 * - `registered-models/alias` can be read but not set, and model version tags cannot be set, so no
 *   promotion is written back and the history is empty (a warning says so);
 * - a token needs the `api` scope (`read_api` reads); it is sent as `Authorization: Bearer`.
 */
import type { MlflowModelVersion } from './mlflow-client.js';

export type MlflowDialect = 'mlflow' | 'gitlab';

/** A tracking URI whose path is GitLab's project MLflow endpoint. */
export function isGitlabBase(base: URL): boolean {
  return /\/api\/v4\/projects\/[^/]+\/ml\/mlflow\/?$/.test(base.pathname);
}

/**
 * The version as people name it on GitLab: what they asked for when it was a version, else the
 * `gitlab.version` tag when present, else GitLab's id.
 */
export function gitlabDisplayVersion(found: MlflowModelVersion, requested: string): string {
  if (/^\d+(\.\d+)*([-+].*)?$/.test(requested) && requested.includes('.')) return requested;
  return found.tags?.find((tag) => tag.key === 'gitlab.version')?.value ?? found.version;
}
