/**
 * Where the tools built by scripts/test-tools.sh are: linked into `.test-tools/` of the checkout.
 * A missing tool is an error naming the command that provides it; no test is skipped for it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const TOOLS_DIR = join(import.meta.dirname, '..', '..', '.test-tools');

export function toolPath(binary: string): string {
  const path = join(TOOLS_DIR, 'bin', binary);
  if (!existsSync(path)) {
    throw new Error(
      `${binary} is not in ${join(TOOLS_DIR, 'bin')}: run scripts/test-tools.sh (npm test runs it first)`,
    );
  }
  return path;
}

/** KServe's InferenceService CustomResourceDefinition, at the version the script pins. */
export function kserveCrdPath(): string {
  const path = join(TOOLS_DIR, 'kserve-inferenceservices-crd.yaml');
  if (!existsSync(path))
    throw new Error(`${path} is missing: run scripts/test-tools.sh (npm test runs it first)`);
  return path;
}

/**
 * The ModelValidation CustomResourceDefinition of sigstore/model-validation-operator: a stand-in
 * written from its Go types, since no package client here reaches the operator (see the file's top).
 */
export function modelValidationCrdPath(): string {
  return join(import.meta.dirname, 'crds', 'modelvalidations.ml.sigstore.dev.yaml');
}
