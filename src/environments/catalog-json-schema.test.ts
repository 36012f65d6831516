import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CATALOG_SCHEMA_FILE, catalogJsonSchema } from './catalog-json-schema.js';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('schema/catalog.schema.json', () => {
  it('is in sync with the zod schema (regenerate: npx tsx scripts/generate-schemas.ts)', async () => {
    const committed: unknown = JSON.parse(await readFile(path.join(root, CATALOG_SCHEMA_FILE), 'utf8'));
    expect(committed).toEqual(catalogJsonSchema());
  });

  it('describes what users write: defaulted fields are optional', () => {
    const text = JSON.stringify(catalogJsonSchema());
    expect(text).toContain('"required":["name","image"]');
    expect(text).toContain('"additionalProperties":false');
  });

  it('is named by the example catalog modeline', async () => {
    const example = await readFile(path.join(root, 'examples', 'catalog.yaml'), 'utf8');
    expect(example.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/catalog.schema.json');
  });
});
