/**
 * An ONNX graph's inputs and outputs, read without loading the model.
 *
 * An ONNX file is one protobuf ModelProto, usually almost all weights (graph.initializer). Decoding
 * it whole would hold the whole file in memory, so instead a small scanner walks the wire format
 * with positioned reads: it steps over every field it does not need by its length (never reading
 * weights), collects the few bytes of graph.input and graph.output (ValueInfoProto, a few hundred
 * bytes each) and decodes only those with onnx-proto. Initializer names are read too (a few bytes
 * of each TensorProto), because before IR version 4 weights were also listed as graph inputs and
 * are not inputs a caller sends. A 10 GiB model costs a few kilobytes of reads per tensor header.
 */
import { open, type FileHandle } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import type { Dimension, TensorSpec } from './model-interface.js';
import { SchemaError } from './schema-error.js';

const { onnx } = onnxProto;

/** ModelProto.graph, GraphProto.{initializer,input,output}, TensorProto.name. */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const TENSOR_NAME = 8;
/** A ValueInfoProto bigger than this is not a plain input description. */
const MAX_VALUE_INFO_BYTES = 1 << 20;

/** TensorProto.DataType -> normalised dtype. */
const ELEM_TYPES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8_e4m3fn',
  18: 'float8_e4m3fnuz',
  19: 'float8_e5m2',
  20: 'float8_e5m2fnuz',
};

export interface OnnxInterface {
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
}

export async function readOnnxInterface(file: string, name: string): Promise<OnnxInterface> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const reader = new WireReader(handle, name);
    let graph: { start: number; end: number } | undefined;
    await reader.fields(0, size, async (field, start, end) => {
      if (field === MODEL_GRAPH) graph = { start, end };
    });
    if (!graph) throw invalid(name, 'has no graph');
    const inputs: Uint8Array[] = [];
    const outputs: Uint8Array[] = [];
    const initializers = new Set<string>();
    await reader.fields(graph.start, graph.end, async (field, start, end) => {
      if (field === GRAPH_INPUT || field === GRAPH_OUTPUT) {
        if (end - start > MAX_VALUE_INFO_BYTES)
          throw invalid(
            name,
            `a graph ${field === GRAPH_INPUT ? 'input' : 'output'} is ${end - start} bytes long`,
          );
        (field === GRAPH_INPUT ? inputs : outputs).push(await reader.bytes(start, end));
      } else if (field === GRAPH_INITIALIZER) {
        await reader.fields(start, end, async (tensorField, nameStart, nameEnd) => {
          if (tensorField === TENSOR_NAME)
            initializers.add(Buffer.from(await reader.bytes(nameStart, nameEnd)).toString('utf8'));
        });
      }
    });
    return {
      inputs: inputs.map((bytes) => valueInfo(bytes, name)).filter((spec) => !initializers.has(spec.name)),
      outputs: outputs.map((bytes) => valueInfo(bytes, name)),
    };
  } finally {
    await handle.close();
  }
}

function valueInfo(bytes: Uint8Array, name: string): TensorSpec {
  let info: InstanceType<typeof onnx.ValueInfoProto>;
  try {
    info = onnx.ValueInfoProto.decode(bytes);
  } catch (error) {
    throw invalid(name, `a graph input or output cannot be decoded: ${(error as Error).message}`);
  }
  const tensor = info.type?.tensorType;
  const elemType = tensor?.elemType ?? 0;
  const dims = tensor?.shape?.dim;
  return {
    name: info.name ?? '',
    dtype: tensor
      ? (ELEM_TYPES[elemType] ?? `onnx-type-${elemType}`)
      : info.type?.sequenceType
        ? 'sequence'
        : info.type?.mapType
          ? 'map'
          : 'unknown',
    ...(dims && {
      shape: dims.map((dim): Dimension =>
        dim.dimParam
          ? null
          : dim.dimValue !== null && dim.dimValue !== undefined && Number(dim.dimValue) > 0
            ? Number(dim.dimValue)
            : null,
      ),
    }),
  };
}

/** Positioned reads of protobuf wire format from a file, through a small window. */
class WireReader {
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly name: string,
  ) {}

  /** Calls `visit` for every length-delimited field in [start, end); skips scalar fields. */
  async fields(
    start: number,
    end: number,
    visit: (field: number, start: number, end: number) => Promise<void>,
  ): Promise<void> {
    let position = start;
    while (position < end) {
      const [tag, afterTag] = await this.varint(position);
      const field = Number(tag >> 3n);
      const wireType = Number(tag & 7n);
      switch (wireType) {
        case 0:
          position = (await this.varint(afterTag))[1];
          break;
        case 1:
          position = afterTag + 8;
          break;
        case 5:
          position = afterTag + 4;
          break;
        case 2: {
          const [length, dataStart] = await this.varint(afterTag);
          const dataEnd = dataStart + Number(length);
          if (dataEnd > end)
            throw invalid(this.name, `field ${field} at byte ${position} runs past its message`);
          await visit(field, dataStart, dataEnd);
          position = dataEnd;
          break;
        }
        default:
          throw invalid(this.name, `unsupported protobuf wire type ${wireType} at byte ${position}`);
      }
    }
    if (position !== end)
      throw invalid(this.name, `a field at the end of a message runs past it (byte ${end})`);
  }

  async bytes(start: number, end: number): Promise<Uint8Array> {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, start);
    if (bytesRead < buffer.length) throw invalid(this.name, 'ends early');
    return buffer;
  }

  /** A varint at `position`: its value and the position after it. */
  private async varint(position: number): Promise<[bigint, number]> {
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = await this.byteAt(position + i);
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return [value, position + i + 1];
    }
    throw invalid(this.name, `malformed varint at byte ${position}`);
  }

  private async byteAt(position: number): Promise<number> {
    const offset = position - this.windowStart;
    if (offset >= 0 && offset < this.window.length) return this.window[offset]!;
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) throw invalid(this.name, `ends early (byte ${position})`);
    this.window = buffer.subarray(0, bytesRead);
    this.windowStart = position;
    return this.window[0]!;
  }
}

function invalid(name: string, detail: string): SchemaError {
  return new SchemaError(
    'usage',
    'invalid-schema',
    `ONNX file ${name}: ${detail}`,
    'check that the file is an ONNX model (ModelProto)',
  );
}
