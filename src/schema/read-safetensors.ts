/**
 * The header of a safetensors file, and nothing else: 8 bytes (little-endian u64) giving the
 * header's length, then that many bytes of JSON naming every tensor with its dtype and shape. The
 * tensor data after it is never read (nor downloaded, for a remote file), whatever the file's size.
 */
import { normaliseDtype, type TensorSpec } from './model-interface.js';
import { PrefixReader } from './model-files.js';
import { SchemaError } from './schema-error.js';

/** The format caps the header at 100 MB; real headers are kilobytes. */
const MAX_HEADER_BYTES = 100_000_000;

/** Reads the header from the file's first bytes and stops the stream there. */
export async function readSafetensorsHeader(
  source: AsyncIterable<Uint8Array>,
  name: string,
): Promise<TensorSpec[]> {
  const reader = new PrefixReader(source);
  try {
    const prefix = await reader.take(8);
    if (prefix.byteLength < 8) throw invalid(name, 'shorter than its 8-byte header length');
    const length = prefix.readBigUInt64LE(0);
    if (length > BigInt(MAX_HEADER_BYTES))
      throw invalid(name, `header length ${length} is over the format's 100 MB cap`);
    const header = await reader.take(Number(length));
    if (header.byteLength < Number(length)) throw invalid(name, 'ends inside its header');
    return parseSafetensorsHeader(header.toString('utf8'), name);
  } finally {
    await reader.close();
  }
}

export function parseSafetensorsHeader(json: string, name: string): TensorSpec[] {
  let header: unknown;
  try {
    header = JSON.parse(json);
  } catch (error) {
    throw invalid(name, `header is not JSON: ${(error as Error).message}`);
  }
  if (typeof header !== 'object' || header === null) throw invalid(name, 'header is not an object');
  const specs: TensorSpec[] = [];
  for (const [tensor, info] of Object.entries(header as Record<string, unknown>)) {
    if (tensor === '__metadata__') continue;
    const { dtype, shape } = (info ?? {}) as { dtype?: unknown; shape?: unknown };
    if (
      typeof dtype !== 'string' ||
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isInteger(d) && d >= 0)
    ) {
      throw invalid(name, `tensor "${tensor}" has no valid dtype and shape`);
    }
    specs.push({ name: tensor, dtype: normaliseDtype(dtype), shape: shape as number[] });
  }
  return specs.sort((a, b) => a.name.localeCompare(b.name));
}

function invalid(name: string, detail: string): SchemaError {
  return new SchemaError(
    'usage',
    'invalid-schema',
    `safetensors file ${name}: ${detail}`,
    'check that the file is a safetensors file',
  );
}
