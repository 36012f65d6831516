/**
 * The drift issue on GitLab, against the notes-and-issues double: one issue per environment,
 * opened, updated in place, closed with a note when drift is gone; and the CLI's sink under GitLab
 * CI, which needs GITLAB_TOKEN (CI_JOB_TOKEN cannot write issues).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { issueSink } from '../../src/cli/drift-issue-sink.js';
import type { PromotionDrift } from '../../src/deploy/drift-check.js';
import { MemoryLogger } from '../../src/logger.js';
import { reportDriftOnGitlab } from '../../src/platform/drift-issue.js';
import { GitlabRest } from '../../src/platform/gitlab-rest.js';
import { driftRecord } from '../../src/report/drift-record.js';
import { startGitlabDouble, type GitlabDouble } from './gitlab-double.js';

const TOKEN = 'glpat-test';
let gitlab: GitlabDouble;
beforeAll(async () => {
  gitlab = await startGitlabDouble({ projectId: 'group/models', token: TOKEN });
});
afterAll(async () => {
  await gitlab.close();
});

const scaled = {
  kind: 'replicas' as const,
  object: 'Deployment/sentiment-production',
  field: 'spec.replicas',
  expected: '2',
  live: '5',
  manager: 'kubectl',
};
const record = (environment: string, findings: PromotionDrift['findings']) =>
  driftRecord(
    environment,
    [{ namespace: 'models' }],
    [
      {
        cluster: 'prod',
        namespace: 'models',
        model: 'sentiment',
        version: '2',
        promotionId: 'p-1',
        appliedAt: '2026-12-05T10:00:00.000Z',
        imageDigest: `sha256:${'a'.repeat(64)}`,
        objects: ['Deployment/sentiment-production'],
        findings,
      },
    ],
    new Date('2026-12-05T12:00:00Z'),
  );

describe('the drift issue on GitLab', () => {
  it('one issue per environment: opened, updated in place, closed with a note, opened again', async () => {
    const api = new GitlabRest({ apiUrl: gitlab.apiUrl, token: TOKEN });
    gitlab.issues.push({
      iid: 50,
      title: 'staging',
      description: '<!-- model-promote-drift:staging -->',
      state: 'opened',
      notes: [],
    });
    const report = (findings: PromotionDrift['findings']) =>
      reportDriftOnGitlab(api, 'group/models', {
        record: record('production', findings),
        logger: new MemoryLogger(),
      });

    const opened = await report([scaled]);
    expect(opened).toMatchObject({ action: 'created' });
    const iid = (opened as { number: number }).number;
    const issue = gitlab.issues.find((i) => i.iid === iid)!;
    expect(issue.title).toBe('Drift in production: the cluster differs from the last promotion');
    expect(issue.description).toContain('<!-- model-promote-drift:production -->');

    expect(await report([{ ...scaled, live: '6' }])).toMatchObject({ action: 'updated', number: iid });
    expect(issue.description).toContain('| `6` |');
    expect(gitlab.issues.filter((i) => i.state === 'opened')).toHaveLength(2);

    expect(await report([])).toMatchObject({ action: 'closed', number: iid });
    expect(issue.state).toBe('closed');
    expect(issue.notes).toEqual([expect.stringMatching(/no drift found\. Closing\.$/)]);
    expect(await report([])).toEqual({ action: 'none' });
    const again = await report([scaled]);
    expect(again).toMatchObject({ action: 'created' });
    expect((again as { number: number }).number).not.toBe(iid);
    expect(gitlab.issues.find((i) => i.iid === 50)?.state).toBe('opened');
    expect(gitlab.refusals).toEqual([]);
  });

  it('the CLI sink under GitLab CI: GITLAB_TOKEN required (a usage error before anything is read), then it reports', async () => {
    const ci = { GITLAB_CI: 'true', CI_API_V4_URL: gitlab.apiUrl, CI_PROJECT_ID: 'group/models' };
    expect(() => issueSink(ci, new MemoryLogger())).toThrow(
      expect.objectContaining({ kind: 'usage', message: expect.stringContaining('needs GITLAB_TOKEN') }),
    );
    const log = new MemoryLogger();
    await issueSink({ ...ci, GITLAB_TOKEN: TOKEN }, log)(record('sink', [scaled]));
    expect(log.lines.join('\n')).toMatch(
      /drift issue #\d+ created \(https:\/\/gitlab\.test\/group\/project\/-\/issues\/\d+\)/,
    );

    gitlab.failWith = 403;
    const failing = new MemoryLogger();
    await issueSink({ ...ci, GITLAB_TOKEN: TOKEN }, failing)(record('sink', [scaled]));
    gitlab.failWith = undefined;
    expect(failing.lines.join('\n')).toMatch(
      /warning: drift issue not written: .*403.*Fix: give gitlab-token the `api` scope/,
    );
  });
});
