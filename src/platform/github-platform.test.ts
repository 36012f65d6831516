import { expect, test } from '@jest/globals';
import { annotationPath } from './github-platform.js';

test.each([
  { file: 'examples/catalog.yaml', workspace: '/w', expected: 'examples/catalog.yaml' },
  { file: '/w/examples/catalog.yaml', workspace: '/w', expected: 'examples/catalog.yaml' },
  { file: '/elsewhere/catalog.yaml', workspace: '/w', expected: '/elsewhere/catalog.yaml' },
  { file: '/w/catalog.yaml', workspace: undefined, expected: '/w/catalog.yaml' },
])('annotationPath($file, $workspace)', ({ file, workspace, expected }) => {
  expect(annotationPath(file, workspace)).toBe(expected);
});
