/**
 * The signature in an MLflow `MLmodel` file. MLflow writes each side as a JSON string inside the
 * YAML:
 *
 *   signature:
 *     inputs: '[{"type": "string", "name": "text", "required": true}]'
 *     outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}}]'
 *
 * Column specs (`type` = string, double, long, ...) have no shape; tensor specs have a dtype and a
 * shape. Unnamed entries are named by position (`#0`, `#1`), as MLflow matches them.
 */
import { parse as parseYaml } from 'yaml';
import { normaliseDtype, normaliseShape, type ModelInterface, type TensorSpec } from './model-interface.js';
import { SchemaError } from './schema-error.js';

interface SignatureEntry {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly 'tensor-spec'?: { readonly dtype?: unknown; readonly shape?: unknown };
}

/** The MLmodel's signature, or undefined when it has none. */
export function parseMlmodelSignature(text: string, file: string): ModelInterface | undefined {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new SchemaError(
      'usage',
      'invalid-schema',
      `${file} is not YAML: ${(error as Error).message}`,
      'fix the MLmodel file',
    );
  }
  const signature = (document as { signature?: { inputs?: unknown; outputs?: unknown } } | null)?.signature;
  if (!signature || (signature.inputs === undefined && signature.outputs === undefined)) return undefined;
  return {
    source: 'MLmodel',
    file,
    inputs: parseSide(signature.inputs, file, 'inputs'),
    outputs: parseSide(signature.outputs, file, 'outputs'),
    tensors: [],
  };
}

function parseSide(value: unknown, file: string, side: string): TensorSpec[] {
  if (value === undefined || value === null) return [];
  let entries: unknown;
  try {
    entries = typeof value === 'string' ? JSON.parse(value) : value;
  } catch (error) {
    throw new SchemaError(
      'usage',
      'invalid-schema',
      `${file}: signature.${side} is not JSON: ${(error as Error).message}`,
      'fix the MLmodel signature',
    );
  }
  if (!Array.isArray(entries)) {
    throw new SchemaError(
      'usage',
      'invalid-schema',
      `${file}: signature.${side} is not a list`,
      'fix the MLmodel signature',
    );
  }
  return entries.map((raw: SignatureEntry, index) => {
    const name = typeof raw.name === 'string' && raw.name ? raw.name : `#${index}`;
    if (raw.type === 'tensor' && raw['tensor-spec']) {
      const spec = raw['tensor-spec'];
      return {
        name,
        dtype: normaliseDtype(String(spec.dtype ?? 'unknown')),
        ...(Array.isArray(spec.shape) && { shape: normaliseShape(spec.shape) }),
      };
    }
    if (typeof raw.type !== 'string') {
      throw new SchemaError(
        'usage',
        'invalid-schema',
        `${file}: signature.${side}[${index}] has no type`,
        'fix the MLmodel signature',
      );
    }
    return { name, dtype: normaliseDtype(raw.type) };
  });
}
