/** The CLI platform adds the GitLab reporters inside GitLab CI only; the dotenv report they write. */
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parsePromotionInputs } from '../../src/inputs.js';
import { MemoryLogger } from '../../src/logger.js';
import { cliPlatform } from '../../src/platform/cli-platform.js';
import { gitlabCiEnv } from '../../src/platform/gitlab-ci-env.js';
import {
  dotenvPath,
  dotenvVariables,
  gitlabDotenvReporter,
  renderDotenv,
} from '../../src/platform/gitlab-dotenv.js';
import { promotionRecord } from '../telemetry/record-fixture.js';

const given: Record<string, string> = { registry: 'r', model: 'sentiment', environment: 'production' };
const inputs = (extra: Record<string, string> = {}) =>
  parsePromotionInputs((name) => ({ ...given, ...extra })[name], {});

describe('cliPlatform reporters', () => {
  it.each([
    { where: 'a terminal', env: {}, names: [] },
    { where: 'GITLAB_CI=false', env: { GITLAB_CI: 'false' }, names: [] },
    {
      where: 'GitLab CI',
      env: { GITLAB_CI: 'true' },
      names: ['GitLab dotenv report', 'GitLab merge-request note'],
    },
    {
      where: 'GitLab CI, comment false',
      env: { GITLAB_CI: 'true' },
      extra: { comment: 'false' },
      names: ['GitLab dotenv report'],
    },
  ])('in $where: $names', ({ env, extra, names }) => {
    const platform = cliPlatform({ readInput: () => undefined, env, write: () => {} });
    expect(platform.reporters!(inputs(extra)).map((reporter) => reporter.name)).toEqual(names);
  });

  it('links the record to the GitLab job', () => {
    expect(
      cliPlatform({ readInput: () => undefined, env: { GITLAB_CI: 'true', CI_JOB_URL: 'https://g/j/1' } })
        .runUrl,
    ).toBe('https://g/j/1');
  });
});

describe('gitlabCiEnv', () => {
  it('reads the predefined variables, falling back to CI_SERVER_URL for the API', () => {
    expect(
      gitlabCiEnv({ GITLAB_CI: 'true', CI_SERVER_URL: 'https://gitlab.example.com', CI_PROJECT_ID: '42' }),
    ).toEqual({
      apiUrl: 'https://gitlab.example.com/api/v4',
      projectId: '42',
    });
  });
});

describe('the dotenv report', () => {
  it('has every output, one line each, also when the promotion stopped early', () => {
    expect(renderDotenv(dotenvVariables(promotionRecord()))).toBe(
      [
        'MODEL_PROMOTE_STATUS=succeeded',
        'MODEL_PROMOTE_MODEL=sentiment',
        'MODEL_PROMOTE_MODEL_VERSION=2',
        'MODEL_PROMOTE_ENVIRONMENT=production',
        'MODEL_PROMOTE_POOL=gpu-a100-80g',
        'MODEL_PROMOTE_IMAGE=oci-layout:out/x/image@sha256:bb',
        'MODEL_PROMOTE_IMAGE_DIGEST=sha256:bb',
        'MODEL_PROMOTE_MODEL_DIGEST=sha256:aa',
        'MODEL_PROMOTE_URL=https://models.example.com/',
        '',
      ].join('\n'),
    );
    const refused = promotionRecord({ status: 'refused' });
    delete refused.image;
    delete refused.environment;
    expect(dotenvVariables(refused)).toMatchObject({
      MODEL_PROMOTE_STATUS: 'refused',
      MODEL_PROMOTE_POOL: '',
      MODEL_PROMOTE_URL: '',
    });
    expect(renderDotenv({ A: 'one\ntwo' })).toBe('A=one two\n');
  });

  it('is written where MODEL_PROMOTE_DOTENV says, else model-promote.env', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mp-dotenv-'));
    expect(dotenvPath({}, dir)).toBe(path.join(dir, 'model-promote.env'));
    const file = dotenvPath({ MODEL_PROMOTE_DOTENV: 'reports/x.env' }, dir);
    expect(file).toBe(path.join(dir, 'reports/x.env'));
    await gitlabDotenvReporter({ file: path.join(dir, 'y.env'), logger: new MemoryLogger() }).finished(
      promotionRecord(),
      '',
    );
    expect(await readFile(path.join(dir, 'y.env'), 'utf8')).toContain('MODEL_PROMOTE_STATUS=succeeded\n');
    await rm(dir, { recursive: true });
  });
});
