import { describe, expect, it } from '@jest/globals';
import { fitMarkdown, utf8Bytes } from './markdown-limit.js';

const NOTE = '_cut_';

describe('fitMarkdown', () => {
  it('returns text that fits unchanged', () => {
    expect(fitMarkdown('a\nb\n', 4, { note: NOTE })).toBe('a\nb\n');
  });

  it('cuts at a whole line, then the note', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const cut = fitMarkdown(text, 60, { note: NOTE });
    expect(cut.length).toBeLessThanOrEqual(60);
    expect(cut).toMatch(/^line 0\nline 1\n(line \d+\n)*\n_cut_\n$/);
    expect(
      cut
        .split('\n')
        .filter((l) => l.startsWith('line'))
        .every((l) => text.includes(l)),
    ).toBe(true);
  });

  it('closes a code fence and <details> left open by the cut', () => {
    const text = [
      '<details><summary>log</summary>',
      '',
      '```',
      ...Array(50).fill('x'.repeat(20)),
      '```',
      '</details>',
      'after',
    ].join('\n');
    const cut = fitMarkdown(text, 300, { note: NOTE });
    expect(cut.length).toBeLessThanOrEqual(300);
    expect(cut).toMatch(/x\n```\n<\/details>\n\n_cut_\n$/);
  });

  it('measures in UTF-8 bytes when told to (multi-byte text)', () => {
    const text = Array(100).fill('✅✅✅✅').join('\n');
    const cut = fitMarkdown(text, 200, { note: NOTE, size: utf8Bytes });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(200);
    expect(cut.length).toBeLessThan(100);
  });
});
