/**
 * The JSON Schemas the project publishes in schema/ (the catalog, the attestation's statement, the
 * drift record), each generated from the zod schema the code itself reads and writes with, so the
 * two cannot drift apart. scripts/generate-schemas.ts writes them; a test per schema keeps the
 * committed file equal to what this returns.
 */
import { z } from 'zod';

export interface PublishedSchema {
  /** Where it is committed, relative to the repository root; also its `$id`'s path. */
  readonly file: string;
  readonly title: string;
  readonly description: string;
  /**
   * `input` describes what a user writes (fields with defaults optional: the catalog); `output`
   * what the tool writes (every field it always sets required: records, statements).
   */
  readonly io: 'input' | 'output';
}

export function publishedJsonSchema(schema: z.ZodType, published: PublishedSchema): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { io: published.io, target: 'draft-2020-12' });
  const { $schema, ...rest } = generated as Record<string, unknown>;
  return {
    $schema,
    $id: `https://github.com/model-promote/model-promote/${published.file}`,
    title: published.title,
    description: published.description,
    ...rest,
  };
}
