/**
 * Finds a model's interface in its folder. Declarations the model's author wrote win over what can
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
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { InterfaceSource, ModelInterface, TensorSpec } from './model-interface.js';
import { parseDeclaredSchema } from './read-declared-schema.js';
import { parseMlmodelSignature } from './read-mlmodel.js';
import { readOnnxInterface } from './read-onnx.js';
import { readSafetensorsHeader } from './read-safetensors.js';
import { SchemaError } from './schema-error.js';

/** JSON and YAML declarations are read whole: anything bigger is not a declaration. */
const MAX_DECLARATION_BYTES = 16 * 1024 * 1024;

export interface ExtractOptions {
  /** The signature's file name, never part of the interface. */
  readonly signatureName?: string;
}

export async function extractInterface(
  directory: string,
  options: ExtractOptions = {},
): Promise<ModelInterface | undefined> {
  const files = (await listFiles(directory)).filter((file) => file !== options.signatureName);
  const byDepth = (a: string, b: string) => a.split('/').length - b.split('/').length || a.localeCompare(b);
  const named = (base: string) => files.filter((file) => path.posix.basename(file) === base).sort(byDepth);
  const ending = (suffix: string) => files.filter((file) => file.endsWith(suffix)).sort(byDepth);

  for (const file of named('model-schema.json')) {
    const found = parseDeclaredSchema(await readSmall(directory, file), file, 'model-schema.json');
    if (found) return found;
  }
  for (const file of named('MLmodel')) {
    const found = parseMlmodelSignature(await readSmall(directory, file), file);
    if (found) return found;
  }
  for (const file of named('config.json')) {
    const found = parseDeclaredSchema(await readSmall(directory, file), file, 'config.json');
    if (found) return found;
  }
  const onnxFile = ending('.onnx')[0];
  if (onnxFile) {
    const { inputs, outputs } = await readOnnxInterface(path.join(directory, onnxFile), onnxFile);
    return interfaceOf('onnx', onnxFile, inputs, outputs, []);
  }
  const shards = ending('.safetensors');
  if (shards.length > 0) {
    const tensors: TensorSpec[] = [];
    for (const file of shards)
      tensors.push(...(await readSafetensorsHeader(path.join(directory, file), file)));
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

async function readSmall(directory: string, file: string): Promise<string> {
  const full = path.join(directory, file);
  const { size } = await stat(full);
  if (size > MAX_DECLARATION_BYTES) {
    throw new SchemaError(
      'usage',
      'invalid-schema',
      `${file} is ${size} bytes: too big for a schema declaration`,
      'keep schema files under 16 MiB',
    );
  }
  return readFile(full, 'utf8');
}

/** Regular files under `directory` as sorted POSIX paths (symlinks are not followed). */
async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    )
    .sort();
}
