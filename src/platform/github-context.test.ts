import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { MemoryLogger } from '../logger.js';
import { githubContextFromEnv, pullRequestOf, runUrlFromEnv } from './github-context.js';

const base = {
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_SHA: 'abc',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '7',
};

function eventFile(payload: unknown): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gh-context-')), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

describe('githubContextFromEnv', () => {
  test('outside a runner there is no context', () => {
    expect(githubContextFromEnv({})).toBeUndefined();
    expect(githubContextFromEnv({ GITHUB_REPOSITORY: 'o/r' })).toBeUndefined();
  });

  test('a pull_request run names its PR; the API defaults to api.github.com', () => {
    const env = {
      ...base,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventFile({ pull_request: { number: 5 } }),
    };
    expect(githubContextFromEnv(env)).toMatchObject({
      owner: 'o',
      repo: 'r',
      sha: 'abc',
      eventName: 'pull_request',
      pullRequest: 5,
      apiUrl: 'https://api.github.com',
      runUrl: 'https://github.com/o/r/actions/runs/7',
    });
  });

  test('GitHub Enterprise Server: the API root from GITHUB_API_URL', () => {
    expect(githubContextFromEnv({ ...base, GITHUB_API_URL: 'https://ghe.example.com/api/v3/' })?.apiUrl).toBe(
      'https://ghe.example.com/api/v3',
    );
  });

  test('an unreadable event file warns and costs only the payload', () => {
    const logger = new MemoryLogger();
    const context = githubContextFromEnv(
      { ...base, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: '/no/such/event.json' },
      logger,
    );
    expect(context?.payload).toEqual({});
    expect(logger.lines[0]).toMatch(/^warning: reading the event payload \/no\/such\/event.json/);
  });
});

describe('pullRequestOf', () => {
  test.each([
    { event: 'pull_request', payload: { number: 3, pull_request: { number: 3 } }, expected: 3 },
    { event: 'pull_request_target', payload: { pull_request: { number: 4 } }, expected: 4 },
    { event: 'push', payload: { number: 3 }, expected: undefined },
    { event: 'workflow_dispatch', payload: {}, expected: undefined },
    { event: 'pull_request', payload: { pull_request: { number: 'x' } }, expected: undefined },
  ])('$event -> $expected', ({ event, payload, expected }) => {
    expect(pullRequestOf(event, payload)).toBe(expected);
  });
});

test('runUrlFromEnv names a re-run attempt', () => {
  expect(runUrlFromEnv({ ...base, GITHUB_RUN_ATTEMPT: '2' })).toBe(
    'https://github.com/o/r/actions/runs/7/attempts/2',
  );
  expect(runUrlFromEnv({ GITHUB_REPOSITORY: 'o/r' })).toBeUndefined();
});
