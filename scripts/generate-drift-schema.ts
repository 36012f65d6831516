/**
 * Writes schema/drift-record.schema.json from the zod schema (src/report/drift-record.ts).
 * Run: npx tsx scripts/generate-drift-schema.ts
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import prettier from 'prettier';
import { DRIFT_SCHEMA_FILE, driftJsonSchema } from '../src/report/drift-record.js';

const target = path.resolve(import.meta.dirname, '..', DRIFT_SCHEMA_FILE);
const options = (await prettier.resolveConfig(target)) ?? {};
const text = await prettier.format(JSON.stringify(driftJsonSchema()), { ...options, parser: 'json' });
await writeFile(target, text);
console.log(`wrote ${DRIFT_SCHEMA_FILE}`);
