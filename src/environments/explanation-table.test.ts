import { describe, expect, it } from '@jest/globals';
import { explanationMarkdown, renderExplanationTable } from './explanation-table.js';
import type { ExplanationRow } from './resolve-pool.js';

const rows: ExplanationRow[] = [
  {
    pool: 'gpu-a100-80g',
    matched: false,
    selected: false,
    priority: 10,
    requirements: 4,
    reason: 'label gpu-memory=16Gi is not > 24Gi',
  },
  {
    pool: 'gpu-l4-24g',
    matched: true,
    selected: true,
    priority: 5,
    requirements: 2,
    reason: 'selected: the only matching pool',
  },
  { pool: 'cpu', matched: false, selected: false, priority: 0, requirements: 1, reason: 'a | b' },
];

describe('explanation tables', () => {
  it('renders aligned plain text', () => {
    expect(renderExplanationTable(rows)).toBe(
      [
        'POOL          PRIORITY  MATCH     REASON',
        'gpu-a100-80g  10        no        label gpu-memory=16Gi is not > 24Gi',
        'gpu-l4-24g    5         selected  selected: the only matching pool',
        'cpu           0         no        a | b',
      ].join('\n'),
    );
  });

  it('renders only the header for no rows', () => {
    expect(renderExplanationTable([])).toBe('POOL  PRIORITY  MATCH  REASON');
  });

  it('renders a Markdown table, selected pool in bold, pipes escaped', () => {
    expect(explanationMarkdown(rows)).toBe(
      [
        '| Pool | Priority | Match | Reason |',
        '| --- | ---: | :---: | --- |',
        '| `gpu-a100-80g` | 10 | no | label gpu-memory=16Gi is not > 24Gi |',
        '| **`gpu-l4-24g`** | 5 | **selected** | selected: the only matching pool |',
        '| `cpu` | 0 | no | a \\| b |',
      ].join('\n'),
    );
  });

  it('adds a runtime column when a runtime was checked, without repeating a refusal reason', () => {
    const checked: ExplanationRow[] = [
      {
        pool: 'old',
        matched: false,
        selected: false,
        priority: 10,
        requirements: 1,
        runtime: 'driver 470.82.01 cannot run CUDA 12.4.1',
        reason: 'driver 470.82.01 cannot run CUDA 12.4.1',
      },
      {
        pool: 'new',
        matched: true,
        selected: true,
        priority: 0,
        requirements: 1,
        runtime: 'driver 550.90.07 runs CUDA 12.4.1',
        reason: 'selected: the only matching pool',
      },
      { pool: 'cpu', matched: false, selected: false, priority: 0, requirements: 1, reason: 'no' },
    ];
    expect(renderExplanationTable(checked)).toBe(
      [
        'POOL  PRIORITY  MATCH     RUNTIME                            REASON',
        'old   10        no        -                                  driver 470.82.01 cannot run CUDA 12.4.1',
        'new   0         selected  driver 550.90.07 runs CUDA 12.4.1  selected: the only matching pool',
        'cpu   0         no        -                                  no',
      ].join('\n'),
    );
    expect(explanationMarkdown(checked).split('\n').slice(0, 2)).toEqual([
      '| Pool | Priority | Match | Runtime | Reason |',
      '| --- | ---: | :---: | --- | --- |',
    ]);
    expect(explanationMarkdown(checked)).toContain(
      '| **`new`** | 0 | **selected** | driver 550.90.07 runs CUDA 12.4.1 | selected: the only matching pool |',
    );
  });
});
