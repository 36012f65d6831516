/**
 * Finds a model's interface in its files (a folder, or a remote version listed but not downloaded:
 * model-files.ts). Declarations the model's author wrote win over what can
 * be inferred from weights, so the order is:
 *
 * 1. `model-schema.json` (model-promote's own format, see read-declared-schema.ts);
 * 2. an MLflow `MLmodel` with a `signature`;
 * 3. a `config.json` with `inputs` and `outputs` arrays (the example model's form);
 * 4. ONNX graph inputs and outputs (`*.onnx`, read by a scanner that skips the weights);
 * 5. safetensors headers (`*.safetensors`): the tensor names, dtypes and shapes a loader expects.
 *
 * The shallowest file of the first kind found is used (MLflow models often sit one folder down).
 * Returns undefined when the model declares no interface: there is then nothing to compare.
 */
import path from 'node:path';
import type { InterfaceSource, ModelInterface, TensorSpec } from './model-interface.js';
import { type ModelFiles, PrefixReader } from './model-files.js';
import { parseDeclaredSchema } from './read-declared-schema.js';
import { parseMlmodelSignature } from './read-mlmodel.js';
import { readSafetensorsHeader } from './read-safetensors.js';
import { SchemaError } from './schema-error.js';

/** JSON and YAML declarations are read whole: anything bigger is not a declaration. */
const MAX_DECLARATION_BYTES = 16 * 1024 * 1024;

export async function extractInterface(model: ModelFiles): Promise<ModelInterface | undefined> {
  const files = model.paths;
  const byDepth = (a: string, b: string) => a.split('/').length - b.split('/').length || a.localeCompare(b);
  const named = (base: string) => files.filter((file) => path.posix.basename(file) === base).sort(byDepth);
  const ending = (suffix: string) => files.filter((file) => file.endsWith(suffix)).sort(byDepth);

  for (const file of named('model-schema.json')) {
    const found = parseDeclaredSchema(await readSmall(model, file), file, 'model-schema.json');
    if (found) return found;
  }
  for (const file of named('MLmodel')) {
    const found = parseMlmodelSignature(await readSmall(model, file), file);
    if (found) return found;
  }
  for (const file of named('config.json')) {
    const found = parseDeclaredSchema(await readSmall(model, file), file, 'config.json');
    if (found) return found;
  }
  const onnxFile = ending('.onnx')[0];
  if (onnxFile) {
    const local = await model.local(onnxFile);
    try {
      // Loaded for ONNX models only: the protobuf runtime is needed for nothing else.
      const { readOnnxInterface } = await import('./read-onnx.js');
      const { inputs, outputs } = await readOnnxInterface(local.path, onnxFile);
      return interfaceOf('onnx', onnxFile, inputs, outputs, []);
    } finally {
      await local.release();
    }
  }
  const shards = ending('.safetensors');
  if (shards.length > 0) {
    const tensors: TensorSpec[] = [];
    for (const file of shards) tensors.push(...(await readSafetensorsHeader(await model.open(file), file)));
    const label = shards.length === 1 ? shards[0]! : `${shards[0]} (+${shards.length - 1} more)`;
    return interfaceOf('safetensors', label, [], [], tensors);
  }
  return undefined;
}

function interfaceOf(
  source: InterfaceSource,
  file: string,
  inputs: TensorSpec[],
  outputs: TensorSpec[],
  tensors: TensorSpec[],
): ModelInterface {
  return { source, file, inputs, outputs, tensors };
}

/** A declaration file whole, refusing one over the cap without reading further. */
async function readSmall(model: ModelFiles, file: string): Promise<string> {
  const reader = new PrefixReader(await model.open(file));
  try {
    const bytes = await reader.take(MAX_DECLARATION_BYTES + 1);
    if (bytes.byteLength > MAX_DECLARATION_BYTES) {
      throw new SchemaError(
        'usage',
        'invalid-schema',
        `${file} is over ${MAX_DECLARATION_BYTES} bytes: too big for a schema declaration`,
        'keep schema files under 16 MiB',
      );
    }
    return bytes.toString('utf8');
  } finally {
    await reader.close();
  }
}
