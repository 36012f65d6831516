/**
 * What a GitLab job adds to a promotion: the dotenv report (outputs and the environment URL) and,
 * unless `comment` is false, the merge-request note. The CLI platform asks for these when it runs
 * under GitLab CI.
 */
import type { PromotionInputs } from '../inputs.js';
import type { Logger } from '../logger.js';
import type { GitlabCiEnv } from './gitlab-ci-env.js';
import { dotenvPath, gitlabDotenvReporter } from './gitlab-dotenv.js';
import { gitlabMergeRequestNoteReporter } from './gitlab-merge-request-note.js';
import type { PromotionReporter } from './platform.js';

export function gitlabReporters(
  inputs: PromotionInputs | undefined,
  ci: GitlabCiEnv,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): PromotionReporter[] {
  return [
    gitlabDotenvReporter({ file: dotenvPath(env), logger }),
    // Without inputs (they could not be read) the dotenv report still says the job failed and why.
    ...(inputs?.comment
      ? [
          gitlabMergeRequestNoteReporter({
            ci,
            logger,
            ...(inputs.gitlabToken && { token: inputs.gitlabToken }),
          }),
        ]
      : []),
  ];
}
