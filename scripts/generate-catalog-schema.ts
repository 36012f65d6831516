/**
 * Writes schema/catalog.schema.json from the zod schema (src/environments/catalog-schema.ts), and
 * schema/promotion-statement.schema.json from the attestation's (src/attest/promotion-statement.ts).
 * Run: npx tsx scripts/generate-catalog-schema.ts
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import prettier from 'prettier';
import {
  PROMOTION_STATEMENT_SCHEMA_FILE,
  promotionStatementJsonSchema,
} from '../src/attest/promotion-statement.js';
import { CATALOG_SCHEMA_FILE, catalogJsonSchema } from '../src/environments/catalog-json-schema.js';

for (const [file, schema] of [
  [CATALOG_SCHEMA_FILE, catalogJsonSchema()],
  [PROMOTION_STATEMENT_SCHEMA_FILE, promotionStatementJsonSchema()],
] as const) {
  const target = path.resolve(import.meta.dirname, '..', file);
  const options = (await prettier.resolveConfig(target)) ?? {};
  const text = await prettier.format(JSON.stringify(schema), { ...options, parser: 'json' });
  await writeFile(target, text);
  console.log(`wrote ${file}`);
}
