import { describe, expect, it } from '@jest/globals';
import { parseChallenges, repositoryScope } from './challenge.js';

describe('parseChallenges', () => {
  it.each([
    {
      header:
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      expected: [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.example/token',
            service: 'registry.example',
            scope: 'repository:a/b:pull,push',
          },
        },
      ],
    },
    { header: 'Basic realm="test-realm"', expected: [{ scheme: 'basic', params: { realm: 'test-realm' } }] },
    {
      header: 'basic realm=plain, charset="UTF-8"',
      expected: [{ scheme: 'basic', params: { realm: 'plain', charset: 'UTF-8' } }],
    },
    {
      header: 'Basic realm="a", Bearer realm="b\\"q",service=s',
      expected: [
        { scheme: 'basic', params: { realm: 'a' } },
        { scheme: 'bearer', params: { realm: 'b"q', service: 's' } },
      ],
    },
  ])('$header', ({ header, expected }) => {
    expect(parseChallenges(header)).toEqual(expected);
  });

  it('names the scopes', () => {
    expect(repositoryScope('demo', true)).toBe('repository:demo:pull,push');
    expect(repositoryScope('demo', false)).toBe('repository:demo:pull');
  });
});
