import { describe, expect, it } from '@jest/globals';
import {
  matchesFields,
  matchesRequirements,
  parseFieldSelector,
  parseLabelSelector,
  selectorString,
} from './selectors.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'gpu' };
  const cases: Array<{ selector: string; matches: boolean }> = [
    { selector: '', matches: true },
    { selector: 'app=web', matches: true },
    { selector: 'app==web,tier=gpu', matches: true },
    { selector: 'app!=web', matches: false },
    { selector: 'tier in (cpu, gpu)', matches: true },
    { selector: 'tier notin (gpu)', matches: false },
    { selector: 'app', matches: true },
    { selector: '!app', matches: false },
    { selector: '!missing', matches: true },
  ];
  it.each(cases)('$selector -> $matches', ({ selector, matches }) => {
    expect(matchesRequirements(labels, parseLabelSelector(selector))).toBe(matches);
  });

  it('a bad term is a 400 BadRequest', () => {
    expect(() => parseLabelSelector('a b c')).toThrow(expect.objectContaining({ code: 400 }));
  });

  it('prints a LabelSelector as kubectl sends it', () => {
    expect(
      selectorString({
        matchLabels: { app: 'x' },
        matchExpressions: [{ key: 't', operator: 'In', values: ['a', 'b'] }],
      }),
    ).toBe('app=x,t in (a,b)');
  });
});

describe('field selectors', () => {
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e' },
    involvedObject: { kind: 'Pod', name: 'p' },
  };
  it.each([
    { selector: 'metadata.name=e', matches: true },
    { selector: 'involvedObject.kind=Pod,involvedObject.name=p', matches: true },
    { selector: 'involvedObject.kind!=Pod', matches: false },
    { selector: 'involvedObject.uid=', matches: true },
  ])('$selector -> $matches', ({ selector, matches }) => {
    expect(matchesFields(event, parseFieldSelector(selector))).toBe(matches);
  });
});
