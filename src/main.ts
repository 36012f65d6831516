/** The GitHub Action: the same promotion as the CLI, with GitHub's inputs, outputs and summary. */
import { githubPlatform } from './platform/github-platform.js';
import { runPromotion } from './run-promotion.js';

export async function run(): Promise<void> {
  const platform = githubPlatform();
  const workspace = process.env.GITHUB_WORKSPACE;
  process.exitCode = await runPromotion(platform, workspace ? { cwd: workspace } : {});
}
