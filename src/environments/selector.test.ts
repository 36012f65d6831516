import { describe, expect, it } from '@jest/globals';
import type { Requirement, Selector } from './catalog-schema.js';
import { countRequirements, describeRequirement, matchSelector } from './selector.js';

const demoV1 = { accelerator: 'nvidia', 'gpu-memory': '16Gi', workload: 'online-inference', runtime: 'onnx' };

describe('matchSelector: one expression at a time', () => {
  const cases: { name: string; expression: Requirement; labels: Record<string, string>; reason?: string }[] =
    [
      {
        name: 'In, value listed',
        expression: { key: 'accelerator', operator: 'In', values: ['nvidia', 'amd'] },
        labels: demoV1,
      },
      {
        name: 'In, value not listed',
        expression: { key: 'accelerator', operator: 'In', values: ['amd'] },
        labels: demoV1,
        reason: 'label accelerator=nvidia is not in [amd]',
      },
      {
        name: 'In, key absent',
        expression: { key: 'accelerator', operator: 'In', values: ['nvidia'] },
        labels: {},
        reason: 'label accelerator is missing (needs In [nvidia])',
      },
      {
        name: 'NotIn, value not listed',
        expression: { key: 'workload', operator: 'NotIn', values: ['batch'] },
        labels: demoV1,
      },
      {
        name: 'NotIn, key absent matches (as k8s)',
        expression: { key: 'workload', operator: 'NotIn', values: ['batch'] },
        labels: {},
      },
      {
        name: 'NotIn, value listed',
        expression: { key: 'workload', operator: 'NotIn', values: ['batch', 'online-inference'] },
        labels: demoV1,
        reason: 'label workload=online-inference is in [batch, online-inference] (needs NotIn)',
      },
      { name: 'Exists, present', expression: { key: 'runtime', operator: 'Exists' }, labels: demoV1 },
      {
        name: 'Exists, present with empty value',
        expression: { key: 'runtime', operator: 'Exists' },
        labels: { runtime: '' },
      },
      {
        name: 'Exists, absent',
        expression: { key: 'runtime', operator: 'Exists' },
        labels: {},
        reason: 'label runtime is missing (needs Exists)',
      },
      {
        name: 'DoesNotExist, absent',
        expression: { key: 'deprecated', operator: 'DoesNotExist' },
        labels: demoV1,
      },
      {
        name: 'DoesNotExist, present',
        expression: { key: 'runtime', operator: 'DoesNotExist' },
        labels: demoV1,
        reason: 'label runtime=onnx is present (needs DoesNotExist)',
      },
      {
        name: 'Gt on quantities',
        expression: { key: 'gpu-memory', operator: 'Gt', values: ['8Gi'] },
        labels: demoV1,
      },
      {
        name: 'Gt, equal is not greater',
        expression: { key: 'gpu-memory', operator: 'Gt', values: ['16Gi'] },
        labels: demoV1,
        reason: 'label gpu-memory=16Gi is not > 16Gi',
      },
      {
        name: 'Ge, equal across units',
        expression: { key: 'gpu-memory', operator: 'Ge', values: ['17179869184'] },
        labels: demoV1,
      },
      {
        name: 'Ge, smaller',
        expression: { key: 'gpu-memory', operator: 'Ge', values: ['24Gi'] },
        labels: demoV1,
        reason: 'label gpu-memory=16Gi is not >= 24Gi',
      },
      {
        name: 'Lt, smaller',
        expression: { key: 'gpu-memory', operator: 'Lt', values: ['24Gi'] },
        labels: demoV1,
      },
      {
        name: 'Lt, bytes vs Gi',
        expression: { key: 'gpu-memory', operator: 'Lt', values: ['24Gi'] },
        labels: { 'gpu-memory': '25769803776' },
        reason: 'label gpu-memory=25769803776 is not < 24Gi',
      },
      {
        name: 'Le, equal',
        expression: { key: 'gpu-memory', operator: 'Le', values: ['80Gi'] },
        labels: { 'gpu-memory': '80Gi' },
      },
      {
        name: 'Le, larger',
        expression: { key: 'gpu-memory', operator: 'Le', values: ['80Gi'] },
        labels: { 'gpu-memory': '96Gi' },
        reason: 'label gpu-memory=96Gi is not <= 80Gi',
      },
      {
        name: 'Lt on milli-quantities',
        expression: { key: 'cpu', operator: 'Lt', values: ['1'] },
        labels: { cpu: '500m' },
      },
      {
        name: 'Gt on plain numbers',
        expression: { key: 'replicas', operator: 'Gt', values: ['9'] },
        labels: { replicas: '10' },
      },
      {
        name: 'Gt, key absent',
        expression: { key: 'gpu-memory', operator: 'Gt', values: ['24Gi'] },
        labels: {},
        reason: 'label gpu-memory is missing (needs > 24Gi)',
      },
      {
        name: 'Gt, value is not a quantity',
        expression: { key: 'gpu-memory', operator: 'Gt', values: ['24Gi'] },
        labels: { 'gpu-memory': 'lots' },
        reason: 'label gpu-memory=lots is not a number or quantity (needs > 24Gi)',
      },
      {
        name: 'Le, value with a wrong unit',
        expression: { key: 'gpu-memory', operator: 'Le', values: ['80Gi'] },
        labels: { 'gpu-memory': '24GB' },
        reason: 'label gpu-memory=24GB is not a number or quantity (needs <= 80Gi)',
      },
    ];
  it.each(cases)('$name', ({ expression, labels, reason }) => {
    const result = matchSelector({ matchExpressions: [expression] }, labels);
    if (reason === undefined) {
      expect(result).toEqual({ matched: true, requirements: 1 });
    } else {
      expect(result).toEqual({
        matched: false,
        requirements: 1,
        unmet: { requirement: describeRequirement(expression), reason },
      });
    }
  });
});

describe('matchSelector: selectors', () => {
  const cases: { name: string; selector: Selector; labels: Record<string, string>; unmet?: string }[] = [
    { name: 'empty selector matches everything', selector: {}, labels: {} },
    { name: 'matchLabels equal', selector: { matchLabels: { accelerator: 'nvidia' } }, labels: demoV1 },
    {
      name: 'matchLabels different value',
      selector: { matchLabels: { accelerator: 'amd' } },
      labels: demoV1,
      unmet: 'label accelerator=nvidia is not amd (needs accelerator=amd)',
    },
    {
      name: 'matchLabels absent',
      selector: { matchLabels: { tier: 'gold' } },
      labels: demoV1,
      unmet: 'label tier is missing (needs tier=gold)',
    },
    {
      name: 'matchLabels are checked before expressions',
      selector: {
        matchLabels: { accelerator: 'amd' },
        matchExpressions: [{ key: 'gpu-memory', operator: 'Gt', values: ['80Gi'] }],
      },
      labels: demoV1,
      unmet: 'label accelerator=nvidia is not amd (needs accelerator=amd)',
    },
    {
      name: 'first unmet expression in written order',
      selector: {
        matchExpressions: [
          { key: 'accelerator', operator: 'In', values: ['nvidia'] },
          { key: 'gpu-memory', operator: 'Gt', values: ['24Gi'] },
          { key: 'workload', operator: 'In', values: ['batch'] },
        ],
      },
      labels: demoV1,
      unmet: 'label gpu-memory=16Gi is not > 24Gi',
    },
    {
      name: 'all hold',
      selector: {
        matchLabels: { accelerator: 'nvidia' },
        matchExpressions: [
          { key: 'gpu-memory', operator: 'Le', values: ['24Gi'] },
          { key: 'workload', operator: 'NotIn', values: ['batch'] },
        ],
      },
      labels: demoV1,
    },
    {
      name: 'a key inherited from Object.prototype is not a label',
      selector: { matchExpressions: [{ key: 'toString', operator: 'Exists' }] },
      labels: {},
      unmet: 'label toString is missing (needs Exists)',
    },
  ];
  it.each(cases)('$name', ({ selector, labels, unmet }) => {
    const result = matchSelector(selector, labels);
    expect(result.matched).toBe(unmet === undefined);
    if (!result.matched) expect(result.unmet.reason).toBe(unmet);
  });

  it('counts requirements as specificity', () => {
    expect(countRequirements({})).toBe(0);
    expect(
      countRequirements({
        matchLabels: { a: '1', b: '2' },
        matchExpressions: [{ key: 'c', operator: 'Exists' }],
      }),
    ).toBe(3);
  });
});
