import { describe, expect, it } from '@jest/globals';
import { comparable, diffLines, diffText } from './apply-diff.js';

const lines = (text: string) => (text === '' ? [] : text.split(' '));

describe('diffLines', () => {
  it.each([
    {
      name: 'a changed line, live first',
      before: 'a b c',
      after: 'a x c',
      want: ['  a', '- b', '+ x', '  c'],
    },
    { name: 'nothing changed', before: 'a b c', after: 'a b c', want: [] },
    { name: 'a new object', before: '', after: 'a b', want: ['+ a', '+ b'] },
    { name: 'a deleted object', before: 'a b', after: '', want: ['- a', '- b'] },
    {
      name: 'unchanged lines between changes left out',
      before: '1 2 3 4 5 6 7 8 9',
      after: '1 x 3 4 5 6 7 8 y',
      want: ['  1', '- 2', '+ x', '  3', '  ...', '  8', '- 9', '+ y'],
    },
    {
      name: 'unchanged lines before the first change left out',
      before: '1 2 3 4 5',
      after: '1 2 3 4 x',
      want: ['  ...', '  4', '- 5', '+ x'],
    },
  ])('$name', ({ before, after, want }) => {
    expect(diffLines(lines(before), lines(after), 1)).toEqual(want);
  });

  it('keeps three lines of context by default', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const after = before.map((line) => (line === '8' ? 'x' : line));
    expect(diffLines(before, after)).toEqual(['  ...', '  5', '  6', '  7', '- 8', '+ x']);
  });
});

describe('comparable', () => {
  it('leaves out status and what only the server keeps', () => {
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        uid: 'u',
        resourceVersion: '7',
        managedFields: [],
        annotations: { 'deployment.kubernetes.io/revision': '3', keep: 'yes' },
      },
      status: { ready: true },
    };
    expect(comparable(object)).toEqual([
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  annotations:',
      '    keep: yes',
      '  name: c',
    ]);
  });
});

describe('diffText', () => {
  it('marks each object by what the apply would do', () => {
    const text = diffText([
      { object: 'ConfigMap/c', action: 'create', lines: ['+ a'] },
      { object: 'Deployment/d', action: 'unchanged', lines: [] },
    ]);
    expect(text).toBe('+ ConfigMap/c (create)\n    + a\n= Deployment/d (unchanged)');
  });
});

describe('diffText: drift the apply overwrites', () => {
  it('lists, first, each field another manager owns, and whether the apply needs force', () => {
    const taken = {
      kind: 'replicas' as const,
      object: 'Deployment/d',
      field: 'spec.replicas',
      expected: '2',
      live: '5',
      manager: 'kubectl',
    };
    const text = diffText([
      {
        object: 'Deployment/d',
        action: 'update',
        lines: ['- replicas: 5', '+ replicas: 2'],
        overwrites: [taken],
        conflict: true,
      },
      {
        object: 'Service/s',
        action: 'update',
        lines: ['+ x'],
        overwrites: [{ ...taken, object: 'Service/s', field: 'spec.x', manager: 'ops' }],
      },
    ]);
    expect(text.split('\n')).toEqual([
      'drift this promotion overwrites (fields another field manager owns now):',
      '  ! Deployment/d spec.replicas: 5 -> 2 (owned by kubectl; the apply needs force)',
      '  ~ Service/s spec.x: 5 -> 2 (owned by ops)',
      '~ Deployment/d (update)',
      '    - replicas: 5',
      '    + replicas: 2',
      '~ Service/s (update)',
      '    + x',
    ]);
  });
});
