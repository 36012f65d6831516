import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { facts, IMAGE_DIGEST } from '../../test/attest/promotion-facts.js';
import {
  PROMOTION_PREDICATE_TYPE,
  PROMOTION_STATEMENT_SCHEMA_FILE,
  promotionStatement,
  promotionStatementJsonSchema,
  statementBytes,
} from './promotion-statement.js';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('promotionStatement', () => {
  it('names the pushed image as the one subject, by repository and sha256', () => {
    const statement = promotionStatement(facts());
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.predicateType).toBe(PROMOTION_PREDICATE_TYPE);
    expect(statement.subject).toEqual([
      { name: '127.0.0.1:5000/demo', digest: { sha256: IMAGE_DIGEST.slice('sha256:'.length) } },
    ]);
  });

  it('carries the model files as in-toto digest sets, so --layers can re-hash them', () => {
    const { predicate } = promotionStatement(facts());
    expect(predicate.model.files).toEqual([{ name: 'model.onnx', digest: { sha256: 'e'.repeat(64) } }]);
    expect(predicate.manifests).toEqual([
      { name: '01-deployment-sentiment.yaml', digest: { sha256: '1'.repeat(64) } },
    ]);
    expect(predicate).toMatchObject({
      result: 'succeeded',
      environment: { name: 'production', pool: 'gpu-a100-80g' },
      clusters: [{ name: 'kind', namespace: 'models', version: '2', previousVersion: '1' }],
      model: { signature: { method: 'key', policies: ['environment production'] } },
    });
  });

  it('is the same bytes for the same facts', () => {
    expect(Buffer.from(statementBytes(promotionStatement(facts())))).toEqual(
      Buffer.from(statementBytes(promotionStatement(facts()))),
    );
  });

  it.each([
    { name: 'a digest that is not sha256 hex', change: { imageDigest: 'sha256:XYZ' }, error: /sha256 hex/ },
    { name: 'a run URL that is not a URL', change: { runUrl: 'not a url' }, error: /runUrl/ },
  ])('refuses $name', ({ change, error }) => {
    expect(() => promotionStatement(facts(change))).toThrow(error);
  });

  it('refuses model files hashed with another algorithm than sha256', () => {
    const model = { ...facts().model, files: [{ name: 'w.bin', algorithm: 'blake3', digest: 'ab' }] };
    expect(() => promotionStatement(facts({ model }))).toThrow(/w.bin is hashed with blake3/);
  });
});

describe(`schema/promotion-statement.schema.json`, () => {
  it('is in sync with the zod schema (regenerate: npx tsx scripts/generate-schemas.ts)', async () => {
    const committed: unknown = JSON.parse(
      await readFile(path.join(root, PROMOTION_STATEMENT_SCHEMA_FILE), 'utf8'),
    );
    expect(committed).toEqual(promotionStatementJsonSchema());
  });

  it('pins the statement type and predicate type, and refuses unknown predicate fields', () => {
    const text = JSON.stringify(promotionStatementJsonSchema());
    expect(text).toContain(`"const":"${PROMOTION_PREDICATE_TYPE}"`);
    expect(text).toContain('"additionalProperties":false');
  });
});
