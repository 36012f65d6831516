/**
 * The JSON Schema of the catalog, generated from the zod schema, for editors
 * (`# yaml-language-server: $schema=...`). Written to schema/catalog.schema.json by
 * scripts/generate-catalog-schema.ts; a test keeps the file equal to this.
 */
import { z } from 'zod';
import { catalogSchema } from './catalog-schema.js';

export const CATALOG_SCHEMA_FILE = 'schema/catalog.schema.json';

/** Describes what a user writes (io: input), so fields with defaults are optional. */
export function catalogJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(catalogSchema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...rest } = generated as Record<string, unknown>;
  return {
    $schema,
    $id: 'https://github.com/model-promote/model-promote/schema/catalog.schema.json',
    title: 'model-promote compute catalog',
    description: 'Environments and their compute pools; see docs/catalog.md.',
    ...rest,
  };
}
