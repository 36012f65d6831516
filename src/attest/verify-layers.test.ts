import { describe, expect, it } from '@jest/globals';
import { facts } from '../../test/attest/promotion-facts.js';
import { promotionStatement } from './promotion-statement.js';
import { compareModelFiles } from './verify-layers.js';

const statement = promotionStatement(
  facts({
    model: {
      ...facts().model,
      files: [
        { name: 'model.onnx', algorithm: 'sha256', digest: 'e'.repeat(64) },
        { name: 'tokenizer/vocab.txt', algorithm: 'sha256', digest: '2'.repeat(64) },
      ],
    },
  }),
);

describe('compareModelFiles', () => {
  it('counts the files when the image holds exactly the signed ones', () => {
    const found = new Map([
      ['model.onnx', 'e'.repeat(64)],
      ['tokenizer/vocab.txt', '2'.repeat(64)],
    ]);
    expect(compareModelFiles(statement, found)).toBe(2);
  });

  it.each([
    {
      name: 'a changed file',
      found: [
        ['model.onnx', 'f'.repeat(64)],
        ['tokenizer/vocab.txt', '2'.repeat(64)],
      ],
      message: `--layers: model file model.onnx in the image has sha256 ${'f'.repeat(64)}, the signed model has ${'e'.repeat(64)}`,
    },
    {
      name: 'a missing file',
      found: [['model.onnx', 'e'.repeat(64)]],
      message: "--layers: model file tokenizer/vocab.txt is missing from the image's model layers",
    },
    {
      name: 'an extra file',
      found: [
        ['model.onnx', 'e'.repeat(64)],
        ['tokenizer/vocab.txt', '2'.repeat(64)],
        ['backdoor.py', '3'.repeat(64)],
      ],
      message: "--layers: the image's model layers hold backdoor.py, which the signed model does not",
    },
  ])('refuses $name, naming it', ({ found, message }) => {
    expect(() => compareModelFiles(statement, new Map(found as [string, string][]))).toThrow(
      expect.objectContaining({ code: 'attestation-layer-mismatch', kind: 'refused', message }),
    );
  });

  it('refuses to compare a model signed by shards, as a usage error', () => {
    const sharded = promotionStatement(facts({ model: { ...facts().model, serialization: 'shards' } }));
    expect(() => compareModelFiles(sharded, new Map())).toThrow(expect.objectContaining({ kind: 'usage' }));
  });
});
