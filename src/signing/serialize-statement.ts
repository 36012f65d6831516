import { createHash } from 'node:crypto';
import { compareResourceNames } from './serialize-names.js';
import type { Resource, Serialization } from './serialize-types.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'https://model_signing/signature/v1.0';

/** Sha256 over the raw digest bytes of `resources`, in order: the statement's subject digest. */
export function subjectDigest(resources: readonly Resource[]): string {
  const hash = createHash('sha256');
  for (const resource of resources) hash.update(Buffer.from(resource.digest, 'hex'));
  return hash.digest('hex');
}

/** The `serialization` object upstream writes (`serialization_parameters`). */
export function serializationParameters(serialization: Serialization): Record<string, unknown> {
  const parameters: Record<string, unknown> = {
    method: serialization.method,
    hash_type: serialization.hashType,
  };
  if (serialization.method === 'shards') parameters['shard_size'] = serialization.shardSize;
  parameters['allow_symlinks'] = serialization.allowSymlinks;
  if (serialization.ignorePaths.length > 0) parameters['ignore_paths'] = [...serialization.ignorePaths];
  return parameters;
}

/**
 * The in-toto Statement v1 that model_signing signs: one subject (the model's name and the digest
 * over its resources' digests) and the `https://model_signing/signature/v1.0` predicate holding the
 * serialization and every resource. Resources are put in upstream's order first. Pretty-printed
 * with two spaces, as upstream's `MessageToJson` does; verifiers parse it, so key order is free.
 */
export function buildStatement(
  subjectName: string,
  serialization: Serialization,
  resources: readonly Resource[],
): Uint8Array {
  const ordered = [...resources].sort((a, b) => compareResourceNames(serialization.method, a.name, b.name));
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: subjectName, digest: { sha256: subjectDigest(ordered) } }],
    predicateType: PREDICATE_TYPE,
    predicate: {
      serialization: serializationParameters(serialization),
      resources: ordered.map((r) => ({ name: r.name, algorithm: r.algorithm, digest: r.digest })),
    },
  };
  return new Uint8Array(Buffer.from(JSON.stringify(statement, null, 2), 'utf8'));
}
