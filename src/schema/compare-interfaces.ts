/**
 * The compatibility decision, pure: what a caller of the running version would notice if the new
 * version replaced it.
 *
 * Rules (per input or output, matched by name):
 * - removed: breaking. An input removed breaks callers that send it; an output removed breaks
 *   callers that read it.
 * - dtype changed: breaking.
 * - rank changed (both shapes known): breaking.
 * - a fixed dimension changed to another fixed size: breaking.
 * - a dimension going from fixed to dynamic (-1) or back: for an input, accepting more (fixed ->
 *   dynamic) is compatible and accepting less (dynamic -> fixed) is breaking; for an output it is
 *   the other way round, since callers read what the model produces.
 * - a shape appearing or disappearing (one side does not declare shapes): compatible, noted.
 * - tensors of a weights file (safetensors) follow the input rules.
 * - added inputs and outputs: additions, reported. (A new *required* input does break callers that
 *   do not send it; the comparison reports it as an addition with that note.)
 */
import {
  formatShape,
  formatSpec,
  type Dimension,
  type ModelInterface,
  type TensorSpec,
} from './model-interface.js';
import { SchemaError } from './schema-error.js';

export type Side = 'input' | 'output' | 'tensor';

export interface Change {
  readonly side: Side;
  readonly name: string;
  readonly kind: 'removed' | 'added' | 'dtype' | 'rank' | 'dimension' | 'shape-declared';
  /** One line a person can act on: "input `text`: dtype string -> int64". */
  readonly description: string;
}

export interface CompatibilityResult {
  readonly previous?: { readonly source: string; readonly file: string };
  readonly next: { readonly source: string; readonly file: string };
  readonly breaking: readonly Change[];
  readonly additions: readonly Change[];
  /** Changes that keep every caller working (a shape relaxed, a shape newly declared). */
  readonly compatible: readonly Change[];
}

export function compareInterfaces(previous: ModelInterface, next: ModelInterface): CompatibilityResult {
  const breaking: Change[] = [];
  const additions: Change[] = [];
  const compatible: Change[] = [];
  for (const side of ['input', 'output', 'tensor'] as const) {
    const before = specsOf(previous, side);
    const after = new Map(specsOf(next, side).map((spec) => [spec.name, spec]));
    for (const old of before) {
      const current = after.get(old.name);
      after.delete(old.name);
      if (!current) {
        breaking.push(change(side, old.name, 'removed', `removed (was ${formatSpec(old)})`));
        continue;
      }
      compareSpec(side, old, current, breaking, compatible);
    }
    for (const added of after.values()) {
      const note = side === 'input' ? '; callers that do not send it fail if the model requires it' : '';
      additions.push(change(side, added.name, 'added', `added (${formatSpec(added)})${note}`));
    }
  }
  return {
    previous: { source: previous.source, file: previous.file },
    next: { source: next.source, file: next.file },
    breaking,
    additions,
    compatible,
  };
}

function specsOf(model: ModelInterface, side: Side): readonly TensorSpec[] {
  return side === 'input' ? model.inputs : side === 'output' ? model.outputs : model.tensors;
}

function compareSpec(
  side: Side,
  old: TensorSpec,
  current: TensorSpec,
  breaking: Change[],
  compatible: Change[],
): void {
  if (old.dtype !== current.dtype) {
    breaking.push(change(side, old.name, 'dtype', `dtype ${old.dtype} -> ${current.dtype}`));
  }
  if (!old.shape || !current.shape) {
    if (old.shape || current.shape) {
      const text = `shape ${formatShape(old.shape) || 'undeclared'} -> ${formatShape(current.shape) || 'undeclared'}`;
      compatible.push(change(side, old.name, 'shape-declared', text));
    }
    return;
  }
  const shapes = `${formatShape(old.shape)} -> ${formatShape(current.shape)}`;
  if (old.shape.length !== current.shape.length) {
    breaking.push(
      change(side, old.name, 'rank', `rank ${old.shape.length} -> ${current.shape.length} (shape ${shapes})`),
    );
    return;
  }
  const verdicts = old.shape.map((dim, i) => dimensionVerdict(side, dim, current.shape![i]!));
  if (verdicts.includes('breaking')) {
    breaking.push(change(side, old.name, 'dimension', `shape ${shapes}`));
  } else if (verdicts.includes('compatible')) {
    compatible.push(change(side, old.name, 'dimension', `shape ${shapes}`));
  }
}

function dimensionVerdict(
  side: Side,
  before: Dimension,
  after: Dimension,
): 'same' | 'compatible' | 'breaking' {
  if (before === after) return 'same';
  if (before !== null && after !== null) return 'breaking';
  // One side is dynamic: an input may accept more, an output must not promise less.
  const relaxed = after === null;
  return (side !== 'output') === relaxed ? 'compatible' : 'breaking';
}

function change(side: Side, name: string, kind: Change['kind'], detail: string): Change {
  return { side, name, kind, description: `${side} \`${name}\`: ${detail}` };
}

/**
 * The pipeline's check: refuses a breaking interface change unless `allowBreaking` is set. With no
 * previous interface (first promotion to the environment, or the running version declares none)
 * there is nothing to break: the result lists every input and output of `next` as an addition.
 */
export function checkCompatibility(
  previous: ModelInterface | undefined,
  next: ModelInterface,
  allowBreaking: boolean,
): CompatibilityResult {
  const result = previous
    ? compareInterfaces(previous, next)
    : { ...compareInterfaces({ ...next, inputs: [], outputs: [], tensors: [] }, next), previous: undefined };
  if (result.breaking.length > 0 && !allowBreaking) {
    const shown = result.breaking.slice(0, 5).map((c) => c.description);
    const more =
      result.breaking.length > shown.length ? `; and ${result.breaking.length - shown.length} more` : '';
    throw new SchemaError(
      'refused',
      'breaking-schema',
      `the new version's interface breaks callers of the running version: ${shown.join('; ')}${more}`,
      'keep the removed or retyped inputs and outputs, or set allow-breaking-schema after updating the callers',
    );
  }
  return result;
}
