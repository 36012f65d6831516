/**
 * Writes the JSON Schemas in schema/ from the zod schemas the code reads and writes with
 * (src/published-schema.ts): the catalog, the attestation's statement, the drift record.
 * Run: npx tsx scripts/generate-schemas.ts
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import prettier from 'prettier';
import {
  PROMOTION_STATEMENT_SCHEMA_FILE,
  promotionStatementJsonSchema,
} from '../src/attest/promotion-statement.js';
import { CATALOG_SCHEMA_FILE, catalogJsonSchema } from '../src/environments/catalog-json-schema.js';
import { DRIFT_SCHEMA_FILE, driftJsonSchema } from '../src/report/drift-record.js';

for (const [file, schema] of [
  [CATALOG_SCHEMA_FILE, catalogJsonSchema()],
  [PROMOTION_STATEMENT_SCHEMA_FILE, promotionStatementJsonSchema()],
  [DRIFT_SCHEMA_FILE, driftJsonSchema()],
] as const) {
  const target = path.resolve(import.meta.dirname, '..', file);
  const options = (await prettier.resolveConfig(target)) ?? {};
  const text = await prettier.format(JSON.stringify(schema), { ...options, parser: 'json' });
  await writeFile(target, text);
  console.log(`wrote ${file}`);
}
