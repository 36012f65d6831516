import { describe, expect, test } from '@jest/globals';
import { commentBody, commentMarker, pullRequestWithHead } from './github-pr-comment.js';

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
