/**
 * What a model's callers see: its named inputs and outputs, each with a dtype and (when known) a
 * shape. Every extractor (MLflow MLmodel, schema file, ONNX graph, safetensors header) produces this
 * one value, so the comparison never needs to know where an interface came from.
 */

/** One dimension: a fixed size, or `null` when it is dynamic (-1, `None`, a symbolic name). */
export type Dimension = number | null;

export interface TensorSpec {
  readonly name: string;
  /** Normalised dtype (`float32`, `int64`, `string`, `bool`, ...): see normaliseDtype. */
  readonly dtype: string;
  /** Absent when the source does not say (MLflow column specs, config.json). */
  readonly shape?: readonly Dimension[];
}

export type InterfaceSource = 'model-schema.json' | 'MLmodel' | 'config.json' | 'onnx' | 'safetensors';

export interface ModelInterface {
  /** Which kind of declaration the interface was read from. */
  readonly source: InterfaceSource;
  /** The file it was read from, relative to the model folder. */
  readonly file: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /**
   * Named tensors a loader expects (a safetensors weights file): no declared inputs or outputs,
   * but a weights file whose tensors are renamed, retyped or reshaped no longer loads.
   */
  readonly tensors: readonly TensorSpec[];
}

const DTYPE_ALIASES: Readonly<Record<string, string>> = {
  // MLflow column types
  double: 'float64',
  float: 'float32',
  long: 'int64',
  integer: 'int32',
  boolean: 'bool',
  binary: 'bytes',
  str: 'string',
  object: 'string',
  // safetensors
  f64: 'float64',
  f32: 'float32',
  f16: 'float16',
  bf16: 'bfloat16',
  f8_e4m3: 'float8_e4m3fn',
  f8_e5m2: 'float8_e5m2',
  i64: 'int64',
  i32: 'int32',
  i16: 'int16',
  i8: 'int8',
  u64: 'uint64',
  u32: 'uint32',
  u16: 'uint16',
  u8: 'uint8',
  // numpy / torch spellings
  float_: 'float64',
  half: 'float16',
  int: 'int64',
  int_: 'int64',
  bool_: 'bool',
  bytes_: 'bytes',
  str_: 'string',
  unicode: 'string',
};

/** One spelling per type across MLflow, numpy, torch, ONNX and safetensors (`F32`, `float` -> `float32`). */
export function normaliseDtype(dtype: string): string {
  const key = dtype
    .trim()
    .toLowerCase()
    .replace(/^torch\./, '')
    .replace(/^np\./, '');
  return DTYPE_ALIASES[key] ?? key;
}

/** A shape from JSON: numbers >= 0 are fixed, anything else (-1, null, "batch") is dynamic. */
export function normaliseShape(shape: readonly unknown[]): Dimension[] {
  return shape.map((dim) => (typeof dim === 'number' && Number.isInteger(dim) && dim >= 0 ? dim : null));
}

export function formatShape(shape: readonly Dimension[] | undefined): string {
  return shape ? `[${shape.map((dim) => (dim === null ? '?' : String(dim))).join(', ')}]` : '';
}

export function formatSpec(spec: TensorSpec): string {
  return `${spec.name}: ${spec.dtype}${formatShape(spec.shape)}`;
}
