import { describe, expect, it } from '@jest/globals';
import { DNS_LABEL, LABEL_VALUE, labelValue, promotionMetadata, resourceName } from './labels.js';
import { MODEL_DIGEST, renderInput } from '../../test/deploy/render-fixture.js';

const validLabel = (value: string) => value.length <= 63 && LABEL_VALUE.test(value);

describe('resourceName', () => {
  const cases: Array<{ title: string; model: string; environment: string; max?: number; expected: RegExp }> =
    [
      {
        title: 'valid as it is',
        model: 'sentiment',
        environment: 'production',
        expected: /^sentiment-production$/,
      },
      {
        title: 'upper case and underscore',
        model: 'Sentiment_V2',
        environment: 'staging',
        expected: /^sentiment-v2-staging-[0-9a-f]{8}$/,
      },
      {
        title: 'registry path',
        model: 'acme/bert.base',
        environment: 'dev',
        expected: /^acme-bert-base-dev-[0-9a-f]{8}$/,
      },
      {
        title: 'leading digit',
        model: '3d-detector',
        environment: 'dev',
        expected: /^d-detector-dev-[0-9a-f]{8}$/,
      },
      { title: 'nothing usable', model: '___', environment: '', expected: /^m-[0-9a-f]{8}$/ },
      {
        title: 'too long',
        model: 'x'.repeat(100),
        environment: 'production',
        expected: /^x{54}-[0-9a-f]{8}$/,
      },
      {
        title: 'KServe limit',
        model: 'a-fairly-long-model-name-for-kserve',
        environment: 'production',
        max: 45,
        expected: /^a-fairly-long-model-name-for-kserve-[0-9a-f]{8}$/,
      },
    ];
  it.each(cases)('$title', ({ model, environment, max, expected }) => {
    const name = resourceName(model, environment, max);
    expect(name).toMatch(expected);
    expect(name).toMatch(DNS_LABEL);
    expect(name.length).toBeLessThanOrEqual(max ?? 63);
    expect(resourceName(model, environment, max)).toBe(name);
  });

  it('keeps names apart that differ only in dropped characters', () => {
    expect(resourceName('my_model', 'prod')).not.toBe(resourceName('my.model', 'prod'));
    expect(resourceName('y'.repeat(80) + 'a', 'prod')).not.toBe(resourceName('y'.repeat(80) + 'b', 'prod'));
  });
});

describe('labelValue', () => {
  const cases: Array<{ title: string; value: string; expected: RegExp }> = [
    { title: 'valid kept', value: 'v1.2_rc-3', expected: /^v1\.2_rc-3$/ },
    { title: 'empty kept', value: '', expected: /^$/ },
    {
      title: 'digest becomes a digest prefix',
      value: MODEL_DIGEST,
      expected: new RegExp(`^sha256-${'a1'.repeat(28)}$`),
    },
    { title: 'plus sign', value: '1.0+build.5', expected: /^1\.0-build\.5-[0-9a-f]{8}$/ },
    { title: 'invalid ends', value: '-draft-', expected: /^draft-[0-9a-f]{8}$/ },
    { title: 'nothing usable', value: '+++', expected: /^[0-9a-f]{8}$/ },
    { title: 'too long', value: 'v'.repeat(70), expected: /^v{54}-[0-9a-f]{8}$/ },
    {
      title: 'URL',
      value: 'https://github.com/acme/x/actions/runs/1',
      expected: /^https-github\.com-acme-x-actions-runs-1-[0-9a-f]{8}$/,
    },
  ];
  it.each(cases)('$title', ({ value, expected }) => {
    const label = labelValue(value);
    expect(label).toMatch(expected);
    expect(validLabel(label)).toBe(true);
    expect(labelValue(value)).toBe(label);
  });

  it('keeps values apart that sanitize alike', () => {
    expect(labelValue('1.0+a')).not.toBe(labelValue('1.0-a'));
  });
});

describe('promotionMetadata', () => {
  it('annotations keep the full values, labels are valid', () => {
    const input = renderInput({
      model: { name: 'sentiment', version: '1.0+build.5', digest: MODEL_DIGEST, requested: 'champion' },
    });
    const meta = promotionMetadata(input, 'sentiment-production');
    expect(meta.annotations).toEqual({
      'model-promote.dev/model': 'sentiment',
      'model-promote.dev/version': '1.0+build.5',
      'model-promote.dev/model-digest': MODEL_DIGEST,
      'model-promote.dev/image': input.image.reference,
      'model-promote.dev/image-digest': input.image.digest,
      'model-promote.dev/promotion-id': 'gh-123456-1',
      'model-promote.dev/environment': 'production',
      'model-promote.dev/pool': 'gpu-a100',
      'model-promote.dev/requested': 'champion',
      'model-promote.dev/signer-method': 'keyless',
      'model-promote.dev/signer-identity': input.signer?.identity,
      'model-promote.dev/signer-issuer': 'https://token.actions.githubusercontent.com',
      'model-promote.dev/source-run': input.sourceRunUrl,
      'model-promote.dev/previous-version': '6',
    });
    for (const value of Object.values(meta.labels)) expect(validLabel(value)).toBe(true);
    expect(meta.labels['app.kubernetes.io/managed-by']).toBe('model-promote');
    expect(meta.labels['model-promote.dev/promotion-id']).toBe('gh-123456-1');
    expect(meta.podLabels).not.toHaveProperty('model-promote.dev/promotion-id');
  });

  it('leaves out annotations that have no value', () => {
    const { signer: _s, sourceRunUrl: _r, previousVersion: _p, ...rest } = renderInput();
    const meta = promotionMetadata(
      { ...rest, model: { name: 'm', version: '1', digest: MODEL_DIGEST } },
      'm-production',
    );
    expect(Object.keys(meta.annotations).sort()).toEqual(
      [
        'environment',
        'image',
        'image-digest',
        'model',
        'model-digest',
        'pool',
        'promotion-id',
        'version',
      ].map((key) => `model-promote.dev/${key}`),
    );
  });
});
