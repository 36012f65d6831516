import { describe, expect, test } from '@jest/globals';
import {
  commentBody,
  commentMarker,
  eventPullRequestMerged,
  mergedPullRequest,
  pullRequestOfCommit,
  pullRequestWithHead,
} from './github-pr-comment.js';

describe('commentMarker', () => {
  test('one hidden line per model and environment', () => {
    expect(commentMarker('sentiment', 'production')).toBe('<!-- model-promote:sentiment:production -->');
    expect(commentMarker('sentiment', 'staging')).not.toBe(commentMarker('sentiment', 'production'));
  });

  test('a name cannot end the HTML comment', () => {
    expect(commentMarker('a-->b', 'x')).not.toContain('-->b');
  });
});

test('commentBody: marker first, summary, link to the run', () => {
  const body = commentBody(
    '### Model promotion\n\n| a | b |\n',
    '<!-- m -->',
    'https://github.com/o/r/actions/runs/1',
  );
  expect(body).toBe(
    '<!-- m -->\n### Model promotion\n\n| a | b |\n\n<sub>[model-promote run](https://github.com/o/r/actions/runs/1)</sub>\n',
  );
});

describe('pullRequestWithHead', () => {
  const sha = 'abc';
  test.each([
    { name: 'open PR with that head', pulls: [{ number: 1, state: 'open', head: { sha } }], expected: 1 },
    {
      name: 'closed PR (merged)',
      pulls: [{ number: 1, state: 'closed', head: { sha } }],
      expected: undefined,
    },
    {
      name: 'open PR with another head',
      pulls: [{ number: 1, state: 'open', head: { sha: 'def' } }],
      expected: undefined,
    },
    { name: 'none', pulls: [], expected: undefined },
  ])('$name', ({ pulls, expected }) => {
    expect(pullRequestWithHead(pulls, sha)).toBe(expected);
  });
});

describe('mergedPullRequest and pullRequestOfCommit', () => {
  const sha = 'abc';
  const merged = {
    number: 5,
    state: 'closed',
    head: { sha: 'h1' },
    merged_at: '2025-01-01T00:00:00Z',
    merge_commit_sha: sha,
  };
  const closedUnmerged = {
    number: 6,
    state: 'closed',
    head: { sha },
    merged_at: null,
    merge_commit_sha: sha,
  };
  const fastForwarded = {
    number: 8,
    state: 'closed',
    head: { sha },
    merged_at: '2025-01-01T00:00:00Z',
    merge_commit_sha: 'other',
  };
  const open = { number: 9, state: 'open', head: { sha }, merged_at: null, merge_commit_sha: 'test-merge' };
  const mergedElsewhere = { ...merged, number: 4, merge_commit_sha: 'def' };

  test.each([
    { name: 'merged as the commit (merge, squash, rebase)', pulls: [merged], expected: 5 },
    { name: 'fast-forwarded to its head', pulls: [fastForwarded], expected: 8 },
    { name: 'closed without merging', pulls: [closedUnmerged], expected: undefined },
    { name: 'merged as another commit', pulls: [mergedElsewhere], expected: undefined },
    { name: 'open', pulls: [open], expected: undefined },
  ])('mergedPullRequest: $name', ({ pulls, expected }) => {
    expect(mergedPullRequest(pulls, sha)).toBe(expected);
  });

  test('push: the merged PR first, else the open PR with that head', () => {
    expect(pullRequestOfCommit([open, merged], sha, 'push')).toEqual({ number: 5, merged: true });
    expect(pullRequestOfCommit([open, closedUnmerged], sha, 'push')).toEqual({ number: 9, merged: false });
    expect(pullRequestOfCommit([closedUnmerged, mergedElsewhere], sha, 'push')).toBeUndefined();
  });

  test('workflow_dispatch never picks a merged PR', () => {
    expect(pullRequestOfCommit([merged], sha, 'workflow_dispatch')).toBeUndefined();
    expect(pullRequestOfCommit([merged, open], sha, 'workflow_dispatch')).toEqual({
      number: 9,
      merged: false,
    });
    expect(pullRequestOfCommit([merged], sha, undefined)).toBeUndefined();
  });

  test('eventPullRequestMerged: only a payload saying merged: true', () => {
    expect(eventPullRequestMerged({ pull_request: { number: 1, merged: true } })).toBe(true);
    expect(eventPullRequestMerged({ pull_request: { number: 1, merged: false } })).toBe(false);
    expect(eventPullRequestMerged({ pull_request: { number: 1 } })).toBe(false);
    expect(eventPullRequestMerged({})).toBe(false);
  });
});
