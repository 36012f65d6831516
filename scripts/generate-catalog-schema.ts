/**
 * Writes schema/catalog.schema.json from the zod schema (src/environments/catalog-schema.ts).
 * Run: npx tsx scripts/generate-catalog-schema.ts
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import prettier from 'prettier';
import { CATALOG_SCHEMA_FILE, catalogJsonSchema } from '../src/environments/catalog-json-schema.js';

const target = path.resolve(import.meta.dirname, '..', CATALOG_SCHEMA_FILE);
const options = (await prettier.resolveConfig(target)) ?? {};
const text = await prettier.format(JSON.stringify(catalogJsonSchema()), { ...options, parser: 'json' });
await writeFile(target, text);
console.log(`wrote ${CATALOG_SCHEMA_FILE}`);
