import { describe, expect, it } from '@jest/globals';
import { escapeControls, neutralizeGithubCommands } from './outside-text.js';

describe('escapeControls', () => {
  it.each([
    ['\u001b[31mred\u001b[0m', '\\x1b[31mred\\x1b[0m'],
    ['\u001b[0Ksection_start:1:x\r\u001b[0K', '\\x1b[0Ksection_start:1:x\\x0d\\x1b[0K'],
    ['a\u0000b\u007fc\u009bd', 'a\\x00b\\x7fc\\x9bd'],
    ['keeps\nnewlines\tand tabs', 'keeps\nnewlines\tand tabs'],
  ])('%j -> %j', (input, output) => {
    expect(escapeControls(input)).toBe(output);
  });
});

describe('neutralizeGithubCommands', () => {
  const commandLine = /^\s*(::|##\[)/m;
  it.each([
    '40Gi\n::error file=x::INJECTED',
    '  ::add-mask::x',
    'a\r::warning::b',
    '\t##[error]legacy',
    '::stop-commands::token',
  ])('%j starts no line with a runner command, and keeps its text', (text) => {
    const out = neutralizeGithubCommands(text);
    expect(out).not.toMatch(commandLine);
    expect(out.replaceAll('\u200b', '')).toBe(text);
  });

  it('leaves other text alone, :: inside a line included', () => {
    expect(neutralizeGithubCommands('std::vector and a::b')).toBe('std::vector and a::b');
  });
});
