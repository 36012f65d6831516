/**
 * Interfaces a model declares in a JSON file of its own:
 *
 * - `model-schema.json` (model-promote's format):
 *   `{"inputs": [{"name": "text", "dtype": "string", "shape": [-1]}], "outputs": [...]}`
 *   `dtype` (or `type`) is required; `shape` is optional, -1 or null for a dynamic dimension.
 * - `config.json` with the same `inputs` and `outputs` arrays (as the example model has, with
 *   `name` and `type`); a config.json without both arrays is not an interface and is ignored.
 */
import { z } from 'zod';
import {
  normaliseDtype,
  normaliseShape,
  type InterfaceSource,
  type ModelInterface,
  type TensorSpec,
} from './model-interface.js';
import { SchemaError } from './schema-error.js';

const specSchema = z
  .object({
    name: z.string().min(1),
    dtype: z.string().min(1).optional(),
    type: z.string().min(1).optional(),
    shape: z.array(z.union([z.number(), z.string(), z.null()])).optional(),
  })
  .refine((spec) => spec.dtype !== undefined || spec.type !== undefined, {
    message: 'needs a dtype (or type)',
  });

const declaredSchema = z.object({
  inputs: z.array(specSchema),
  outputs: z.array(specSchema),
});

/** The interface in `text` (a model-schema.json or config.json), or undefined for a config.json that declares none. */
export function parseDeclaredSchema(
  text: string,
  file: string,
  source: 'model-schema.json' | 'config.json',
): ModelInterface | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    if (source === 'config.json') return undefined;
    throw new SchemaError(
      'usage',
      'invalid-schema',
      `${file} is not JSON: ${(error as Error).message}`,
      'fix the schema file',
    );
  }
  if (source === 'config.json' && !hasArrays(data)) return undefined;
  const parsed = declaredSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SchemaError(
      'usage',
      'invalid-schema',
      `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      'declare {"inputs": [{"name", "dtype", "shape"?}], "outputs": [...]} (see docs/registries.md, "Schema compatibility")',
    );
  }
  const spec = (entry: z.infer<typeof specSchema>): TensorSpec => ({
    name: entry.name,
    dtype: normaliseDtype(entry.dtype ?? entry.type!),
    ...(entry.shape && { shape: normaliseShape(entry.shape) }),
  });
  return {
    source: source satisfies InterfaceSource,
    file,
    inputs: parsed.data.inputs.map(spec),
    outputs: parsed.data.outputs.map(spec),
    tensors: [],
  };
}

function hasArrays(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  return Array.isArray(record.inputs) && Array.isArray(record.outputs);
}
