import { describe, expect, it } from '@jest/globals';
import type { PromotionRecord } from './promotion-record.js';
import { formatBytes, formatDuration, renderSummaryMarkdown } from './summary-markdown.js';

function record(overrides: Partial<PromotionRecord> = {}): PromotionRecord {
  return {
    schemaVersion: 1,
    promotionId: 'p-1',
    tool: { name: 'model-promote', version: '0.1.0' },
    startedAt: '2025-01-01T00:00:00.000Z',
    status: 'succeeded',
    dryRun: false,
    request: {
      registry: 'r',
      model: 'sentiment',
      version: 'champion',
      environment: 'production',
      catalog: 'c',
      output: 'o',
    },
    stages: [],
    ...overrides,
  };
}

/** The cells of a Markdown table row, splitting only on unescaped pipes. */
const cells = (row: string) =>
  row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

describe('renderSummaryMarkdown', () => {
  it.each([
    { name: 'succeeded', status: 'succeeded', line: '✅ promoted' },
    { name: 'planned', status: 'planned', line: '📝 planned (dry run: nothing was changed)' },
    { name: 'refused', status: 'refused', line: '⛔ refused' },
    { name: 'failed', status: 'failed', line: '❌ failed' },
  ] as const)('heads a $name record with its status', ({ status, line }) => {
    const markdown = renderSummaryMarkdown(record({ status }));
    expect(markdown.split('\n')[0]).toBe(
      `### Model promotion: \`sentiment\` champion → \`production\`: ${line}`,
    );
  });

  it('names the resolved version beside the requested alias', () => {
    const markdown = renderSummaryMarkdown(
      record({
        model: {
          name: 'sentiment',
          version: '2',
          requested: 'champion',
          aliases: [],
          labels: {},
          digest: 'sha256:ab',
          files: 4,
          bytes: 2048,
        },
      }),
    );
    expect(markdown).toContain('`sentiment` champion (v2)');
    expect(markdown).toContain('| Files | 4 (2.0 KiB) |');
  });

  it('a refused record shows the error code, message and Fix hint', () => {
    const markdown = renderSummaryMarkdown(
      record({
        status: 'refused',
        error: {
          kind: 'refused',
          code: 'content-mismatch',
          message: 'vocab.txt differs',
          hint: 're-sign the model',
        },
        stages: [
          {
            name: 'verify',
            startedAt: 's',
            durationMs: 1500,
            outcome: 'refused',
            detail: 'content-mismatch',
          },
        ],
      }),
    );
    expect(markdown).toContain('> **content-mismatch**: vocab.txt differs');
    expect(markdown).toContain('> Fix: re-sign the model');
    expect(markdown).toContain('| verify | refused | 1.5 s | content-mismatch |');
  });

  it('escapes | and newlines so every value stays in its cell', () => {
    const markdown = renderSummaryMarkdown(
      record({
        environment: {
          name: 'production',
          pool: 'a',
          explanation: [
            {
              pool: 'a',
              matched: false,
              selected: false,
              reason: 'label x=a|b is not in [c]\nsecond line',
            } as never,
          ],
        },
        stages: [{ name: 'fetch', startedAt: 's', durationMs: 3, outcome: 'ok', detail: 'a | b' }],
        error: { kind: 'failed', code: 'x', message: 'one | two\nthree' },
      }),
    );
    const poolRow = markdown.split('\n').find((line) => line.startsWith('| `a` |'))!;
    expect(cells(poolRow)).toEqual(['`a`', 'no', 'label x=a\\|b is not in [c] second line']);
    const stageRow = markdown.split('\n').find((line) => line.startsWith('| fetch |'))!;
    expect(cells(stageRow)).toHaveLength(4);
    expect(markdown).toContain('> **x**: one \\| two three');
  });

  it('keeps backticks out of code spans', () => {
    expect(renderSummaryMarkdown(record({ request: { ...record().request, model: 'a`b' } }))).toContain(
      "`a'b`",
    );
  });
});

describe('formatBytes and formatDuration', () => {
  it.each([
    { bytes: 0, text: '0 B' },
    { bytes: 1023, text: '1023 B' },
    { bytes: 1024, text: '1.0 KiB' },
    { bytes: 1536 * 1024 * 1024, text: '1.5 GiB' },
  ])('$bytes bytes -> $text', ({ bytes, text }) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    { ms: 12.4, text: '12 ms' },
    { ms: 999, text: '999 ms' },
    { ms: 1000, text: '1.0 s' },
  ])('$ms ms -> $text', ({ ms, text }) => expect(formatDuration(ms)).toBe(text));
});
