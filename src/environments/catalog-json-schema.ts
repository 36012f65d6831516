/**
 * The JSON Schema of the catalog, generated from the zod schema, for editors
 * (`# yaml-language-server: $schema=...`). Written to schema/catalog.schema.json by
 * scripts/generate-schemas.ts; a test keeps the file equal to this.
 */
import { publishedJsonSchema } from '../published-schema.js';
import { catalogSchema } from './catalog-schema.js';

export const CATALOG_SCHEMA_FILE = 'schema/catalog.schema.json';

/** Describes what a user writes (io: input), so fields with defaults are optional. */
export function catalogJsonSchema(): Record<string, unknown> {
  return publishedJsonSchema(catalogSchema, {
    file: CATALOG_SCHEMA_FILE,
    title: 'model-promote compute catalog',
    description: 'Environments and their compute pools; see docs/catalog.md.',
    io: 'input',
  });
}
