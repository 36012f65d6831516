import { describe, expect, it } from '@jest/globals';
import type { ExplanationRow } from '../environments/resolve-pool.js';
import type { CompatibilityResult } from '../schema/compare-interfaces.js';
import type { PromotionRecord } from './promotion-record.js';
import {
  CHANGE_ROWS_SHOWN,
  ERROR_DETAIL_LINES_SHOWN,
  formatBytes,
  formatDuration,
  POOL_ROWS_SHOWN,
  renderSummaryMarkdown,
  SUMMARY_LIMIT_BYTES,
} from './summary-markdown.js';

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

  it("carries the environment's history with this promotion, and nothing when there is none", () => {
    const stats = {
      environment: 'production',
      attempts: 10,
      succeeded: 9,
      refused: 1,
      failed: 0,
      successRate: 0.9,
      medianSeconds: 72,
      p95Seconds: 125,
      succeededWithoutDuration: 0,
      lastSuccess: '2025-01-01T00:00:00.000Z',
      sinceLastSuccessSeconds: 0,
    };
    expect(renderSummaryMarkdown(record({ history: stats }))).toContain(
      '- **History of `production`:** 9 of 10 succeeded (90%); median 1m 12s, p95 2m 5s',
    );
    expect(
      renderSummaryMarkdown(record({ history: { ...stats, medianSeconds: null, p95Seconds: null } })),
    ).toMatch(/History of `production`:\*\* 9 of 10 succeeded \(90%\)\n/);
    expect(renderSummaryMarkdown(record())).not.toContain('History of');
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
    expect(markdown).toContain('- **Files:** 4 (2.0 KiB)');
  });

  it.each([
    {
      attestations: { promotion: 'sha256:cd' },
      line: '- **Promotion attestation:** `sha256:cd` (referrer of the image)',
    },
    {
      attestations: { promotionFile: 'out/attestation.sigstore.json' },
      line: '- **Promotion attestation:** `out/attestation.sigstore.json`',
    },
    {
      attestations: { promotion: 'sha256:cd', github: { id: 7, repository: 'octo-org/models' } },
      line: "- **GitHub attestation:** `7` in octo-org/models's artifact attestations",
    },
    {
      attestations: {
        promotion: 'sha256:cd',
        github: {
          skipped: 'off' as const,
          reason: 'github-attestations is off',
          repository: 'octo-org/models',
        },
      },
      line: "- **GitHub attestation:** not stored in octo-org/models's artifact attestations (off: github-attestations is off); the image's referrer holds it",
    },
    {
      // GitHub's words are server text: no HTML reaches the summary.
      attestations: {
        promotion: 'sha256:cd',
        github: {
          skipped: 'unavailable' as const,
          reason: 'GitHub answered 403: Feature not available <img src=x>',
          repository: 'octo-org/models',
        },
      },
      line: "- **GitHub attestation:** not stored in octo-org/models's artifact attestations (unavailable: GitHub answered 403: Feature not available &lt;img src=x&gt;); the image's referrer holds it",
    },
  ])('names the promotion attestation where it is ($line)', ({ attestations, line }) => {
    expect(renderSummaryMarkdown(record({ attestations }))).toContain(line);
    expect(renderSummaryMarkdown(record())).not.toContain('Promotion attestation');
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
    expect(markdown).toContain('> **x**: one \\| two\n');
    expect(markdown).toContain('```text\nthree\n```');
  });

  it('keeps backticks out of code spans', () => {
    expect(renderSummaryMarkdown(record({ request: { ...record().request, model: 'a`b' } }))).toContain(
      "`a'b`",
    );
  });
});

/** Pools as resolve-pool explains them: `chosen` selected, the rest missing a label. */
function poolRows(count: number, chosen?: number): ExplanationRow[] {
  return Array.from({ length: count }, (_, i) => ({
    pool: `pool-${i}`,
    matched: i === chosen,
    selected: i === chosen,
    reason: i === chosen ? 'selected: the only matching pool' : `label accelerator=a100 is not in [gpu-${i}]`,
    priority: i % 7,
    requirements: 2,
  }));
}

const MiB = 1024 * 1024;

describe('the summary stays readable and within GitHub limits', () => {
  it('has no table without a header: facts are a list', () => {
    const markdown = renderSummaryMarkdown(
      record({ environment: { name: 'production', pool: 'a', explanation: [] } }),
    );
    expect(markdown).toContain('- **Pool:** `a`');
    expect(markdown).not.toMatch(/^\|\s*\|\s*\|$/m);
    // Every table's first row names its columns.
    const lines = markdown.split('\n');
    for (const [i, line] of lines.entries()) {
      if (/^\|(-+\|)+$/.test(line)) expect(lines[i - 1]).toMatch(/^\| [A-Z]\w+ \|/);
    }
  });

  it('5,000 pools: the chosen pool and the nearest misses, "N more", far under 1 MiB', () => {
    const rows = poolRows(5000, 4321);
    // Two pools matched and lost the tie: they are the nearest misses, listed right after the chosen one.
    rows[17] = { ...rows[17]!, matched: true, reason: 'matches, but pool-4321 wins: lower priority (0 < 2)' };
    rows[3000] = {
      ...rows[3000]!,
      matched: true,
      reason: 'matches, but pool-4321 wins: lower priority (1 < 2)',
    };
    const markdown = renderSummaryMarkdown(
      record({ environment: { name: 'production', pool: 'pool-4321', explanation: rows } }),
    );
    const poolLines = markdown.split('\n').filter((line) => line.startsWith('| `pool-'));
    expect(poolLines).toHaveLength(POOL_ROWS_SHOWN);
    expect(poolLines.slice(0, 3).map((line) => cells(line).slice(0, 2))).toEqual([
      ['`pool-4321`', '✅ chosen'],
      ['`pool-3000`', 'yes'],
      ['`pool-17`', 'yes'],
    ]);
    expect(markdown).toContain(`_… and 4,990 more pools, listed in promotion.json._`);
    expect(Buffer.byteLength(markdown)).toBeLessThan(16 * 1024);
  });

  it("5,000 pools and none matches: the refusal shows the pool table once, not the message's copy", () => {
    const rows = poolRows(5000);
    const message = `no pool of environment production matches the model (labels: accelerator=a100)\n${rows
      .map((r) => `${r.pool}  ${r.priority}  no  ${r.reason}`)
      .join('\n')}`;
    const markdown = renderSummaryMarkdown(
      record({
        status: 'refused',
        error: { kind: 'refused', code: 'no-matching-pool', message, hint: 'change the model labels' },
        environment: { name: 'production', explanation: rows },
      }),
    );
    expect(markdown).toContain('<details><summary>Why no pool matched</summary>');
    expect(markdown).toContain('> **no-matching-pool**: no pool of environment production matches the model');
    expect(markdown).toContain('_… and 4,990 more pools, listed in promotion.json._');
    expect(Buffer.byteLength(markdown)).toBeLessThan(16 * 1024);
  });

  it('a runtime refusal shows its pool table once, in the pool section', () => {
    const row = {
      pool: 'gpu',
      matched: false,
      selected: false,
      priority: 0,
      requirements: 1,
      runtime: 'driver 470.82.01 cannot run CUDA 12.4.1',
      reason: 'driver 470.82.01 cannot run CUDA 12.4.1',
    };
    const markdown = renderSummaryMarkdown(
      record({
        status: 'refused',
        error: {
          kind: 'refused',
          code: 'no-compatible-runtime',
          message: `no pool of environment production can run the model's base image: gpu: ${row.reason}\nPOOL  PRIORITY  MATCH  RUNTIME  REASON\ngpu  0  no  -  ${row.reason}`,
          hint: 'pool gpu: or upgrade the driver to >= 550.54.15',
        },
        environment: { name: 'production', explanation: [row] },
      }),
    );
    expect(markdown).toContain('> **no-compatible-runtime**: no pool of environment production can run');
    expect(markdown).toContain('| Pool | Matched | Runtime | Reason |');
    expect(markdown).toContain('| `gpu` | no | - | driver 470.82.01 cannot run CUDA 12.4.1 |');
    expect(markdown).not.toContain('```text');
  });

  it('the pool section names the driver and runtime that decided the chosen pool', () => {
    const markdown = renderSummaryMarkdown(
      record({
        environment: {
          name: 'production',
          pool: 'gpu',
          explanation: [
            {
              pool: 'gpu',
              matched: true,
              selected: true,
              priority: 0,
              requirements: 1,
              runtime: 'driver 550.90.07 runs CUDA 12.4.1 (image env CUDA_VERSION)',
              reason: 'selected: the only matching pool',
            },
          ],
        },
      }),
    );
    expect(markdown).toContain(
      '| `gpu` | ✅ chosen | driver 550.90.07 runs CUDA 12.4.1 (image env CUDA_VERSION) | selected: the only matching pool |',
    );
  });

  it('an error with many detail lines shows the first ones in a block and counts the rest', () => {
    const problems = Array.from({ length: 100 }, (_, i) => `  pools[${i}].maxReplicas: expected number`);
    const markdown = renderSummaryMarkdown(
      record({
        status: 'failed',
        error: {
          kind: 'usage',
          code: 'invalid-catalog',
          message: `catalog c is invalid (100):\n${problems.join('\n')}`,
        },
      }),
    );
    expect(markdown).toContain('> **invalid-catalog**: catalog c is invalid (100)\n');
    expect(markdown).toContain(
      `\`\`\`text\n${problems.slice(0, ERROR_DETAIL_LINES_SHOWN).join('\n')}\n\`\`\``,
    );
    expect(markdown).not.toContain(problems[ERROR_DETAIL_LINES_SHOWN]!);
    expect(markdown).toContain('_… and 80 more lines in promotion.json._');
  });

  const interfaceFrom = (additions: number) =>
    ({
      next: { file: 'MLmodel', source: 'mlflow signature' },
      breaking: [],
      additions: Array.from({ length: additions }, (_, i) => ({
        side: i % 2 ? 'output' : 'input',
        name: `t${i}`,
        kind: 'added',
        description: `input \`t${i}\`: added (float32[1])`,
      })),
      compatible: [],
    }) as CompatibilityResult;

  it.each([
    {
      name: 'no running version',
      previousVersion: undefined,
      says: 'First promotion to `production`: no running version to compare with.',
    },
    {
      name: 'the same version running',
      previousVersion: '2',
      says: 'v2 already runs in `production`: nothing to compare with.',
    },
    {
      name: 'a running version without an interface',
      previousVersion: '1',
      says: 'The running version v1 declares no interface: nothing to compare with.',
    },
  ])(
    'nothing to compare with ($name): one line, not every field as an addition',
    ({ previousVersion, says }) => {
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
            ...(previousVersion && { previousVersion }),
          },
          compatibility: interfaceFrom(3000),
        }),
      );
      expect(markdown).toContain(
        `${says} This version's interface (\`MLmodel\` (mlflow signature)): 1,500 inputs, 1,500 outputs.`,
      );
      expect(markdown).not.toContain('| addition |');
      expect(markdown).not.toContain('t2999');
    },
  );

  it('a comparison with thousands of changes lists the first ones and counts the rest', () => {
    const compatibility = {
      ...interfaceFrom(3000),
      previous: { file: 'MLmodel', source: 'mlflow signature' },
    };
    const markdown = renderSummaryMarkdown(record({ compatibility }));
    expect(markdown.split('\n').filter((line) => line.startsWith('| addition |'))).toHaveLength(
      CHANGE_ROWS_SHOWN,
    );
    expect(markdown).toContain(
      `_… and ${(3000 - CHANGE_ROWS_SHOWN).toLocaleString('en-US')} more changes, listed in promotion.json._`,
    );
  });

  it('whatever else grows (a deploy log tail), the summary is cut at a line to fit 1 MiB, and says so', () => {
    const logTail = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    const markdown = renderSummaryMarkdown(
      record({
        deploy: [
          {
            cluster: 'c',
            namespace: 'n',
            version: '2',
            applied: [],
            rolledBack: true,
            evidence: { events: [], logTail },
          } as never,
        ],
      }),
    );
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(SUMMARY_LIMIT_BYTES).toBeLessThan(MiB);
    expect(markdown).toMatch(
      /```\n<\/details>\n\n_… cut here: longer than a job summary may be; promotion.json holds the whole record._\n$/,
    );
  });

  it('a promotion that could not start names what was missing', () => {
    const markdown = renderSummaryMarkdown(
      record({
        status: 'failed',
        request: { ...record().request, model: '', environment: '' },
        error: {
          kind: 'usage',
          code: 'usage',
          message: 'input model is required',
          hint: 'set model (CLI: --model)',
        },
      }),
    );
    expect(markdown.split('\n').slice(0, 4)).toEqual([
      '### Model promotion: _(no model)_ champion → _(no environment)_: ❌ failed',
      '',
      '> **usage**: input model is required',
      '> Fix: set model (CLI: --model)',
    ]);
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
