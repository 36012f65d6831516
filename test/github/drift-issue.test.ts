/**
 * The drift issue on GitHub, against the stateful double: one issue per environment, opened,
 * updated in place, closed with a comment when drift is gone; and the CLI's sink, which reads the
 * run's variables and turns a failed request into a warning.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issueSink } from '../../src/cli/drift-issue-sink.js';
import { reportDriftOnGithub } from '../../src/platform/drift-issue.js';
import { createGithubClient } from '../../src/platform/github-client.js';
import type { PromotionDrift } from '../../src/deploy/drift-check.js';
import { driftRecord } from '../../src/report/drift-record.js';
import { GithubDouble } from './github-double.js';
import { FAST, logger } from './github-fixtures.js';

let github: GithubDouble;
beforeAll(async () => {
  github = await new GithubDouble().start();
});
afterAll(async () => {
  await github.stop();
});

const repo = { owner: 'octo-org', repo: 'models' };
const scaled = {
  kind: 'replicas' as const,
  object: 'Deployment/sentiment-production',
  field: 'spec.replicas',
  expected: '2',
  live: '5',
  manager: 'kubectl',
};
function promotion(findings: PromotionDrift['findings']): PromotionDrift {
  return {
    cluster: 'prod',
    namespace: 'models',
    model: 'sentiment',
    version: '2',
    promotionId: 'p-1',
    appliedAt: '2026-12-05T10:00:00.000Z',
    imageDigest: `sha256:${'a'.repeat(64)}`,
    objects: ['Deployment/sentiment-production'],
    findings,
  };
}
const record = (environment: string, findings: PromotionDrift['findings']) =>
  driftRecord(
    environment,
    [{ namespace: 'models' }],
    [promotion(findings)],
    new Date('2026-12-05T12:00:00Z'),
  );

describe('the drift issue on GitHub', () => {
  it('one issue per environment: opened, updated in place, closed with a comment, opened again', async () => {
    const client = createGithubClient({ token: 'ghs_test', baseUrl: github.url, logger: logger(), ...FAST });
    github.pageSize = 1; // the marker is looked for on every page
    // A pull request and another environment's issue carry markers that are not this one.
    github.issues.push(
      {
        number: 90,
        title: 'pr',
        body: '<!-- model-promote-drift:production -->',
        state: 'open',
        pullRequest: true,
      },
      { number: 91, title: 'staging', body: '<!-- model-promote-drift:staging -->', state: 'open' },
    );
    const report = (findings: PromotionDrift['findings']) =>
      reportDriftOnGithub(client, repo, { record: record('production', findings), logger: logger() });

    const opened = await report([scaled]);
    expect(opened).toMatchObject({ action: 'created' });
    const number = (opened as { number: number }).number;
    const issue = github.issues.find((i) => i.number === number)!;
    expect(issue.title).toBe('Drift in production: the cluster differs from the last promotion');
    expect(issue.body).toContain('<!-- model-promote-drift:production -->');
    expect(issue.body).toContain(
      '| `Deployment/sentiment-production` | `spec.replicas` | `2` | `5` | `kubectl` |',
    );

    expect(await report([{ ...scaled, live: '6' }])).toEqual({
      action: 'updated',
      number,
      url: `https://github.test/o/r/issues/${number}`,
    });
    expect(issue.body).toContain('| `6` |');
    expect(github.issues.filter((i) => i.state === 'open' && !i.pullRequest)).toHaveLength(2);

    expect(await report([])).toMatchObject({ action: 'closed', number });
    expect([issue.state, issue.stateReason]).toEqual(['closed', 'completed']);
    expect(github.comments.find((c) => c.issueNumber === number)?.body).toMatch(
      /no drift found\. Closing\.$/,
    );
    expect(await report([])).toEqual({ action: 'none' });

    const again = await report([scaled]);
    expect(again).toMatchObject({ action: 'created' });
    expect((again as { number: number }).number).not.toBe(number);
    expect(github.issues.find((i) => i.number === 91)?.state).toBe('open');
    github.pageSize = 100;
  });

  it('the CLI sink: reads the run, reports; a refused request is a warning that names the permission', async () => {
    const env = { GITHUB_REPOSITORY: 'octo-org/sink', GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: github.url };
    const log = logger();
    await issueSink(env, log)(record('staging-sink', [scaled]));
    expect(log.lines.join('\n')).toMatch(
      /drift issue #\d+ created \(https:\/\/github\.test\/o\/r\/issues\/\d+\)/,
    );

    github.faults.push({
      method: 'GET',
      path: /\/issues$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const failing = logger();
    await issueSink(env, failing)(record('staging-sink', [scaled]));
    expect(failing.lines.join('\n')).toMatch(/warning.*drift issue not written: .*issues: read/);
  });

  it('the CLI sink without a token or repository: a usage error, before anything is read', () => {
    expect(() => issueSink({ GITHUB_REPOSITORY: 'octo-org/models' }, logger())).toThrow(
      expect.objectContaining({
        kind: 'usage',
        message: expect.stringContaining('--report-issue needs GITHUB_REPOSITORY'),
      }),
    );
  });
});
