/**
 * Keeps V8's young generation at its starting size (a 1 MiB semi-space) for the whole process.
 *
 * A streamed promotion moves every byte of the model through short-lived Buffers: socket reads,
 * tar records, request chunks. Their memory is malloc'd outside the JS heap and freed only when a
 * garbage collection finds their (tiny) JS objects dead. By default V8 grows the young generation
 * up to 16 MiB semi-spaces as a busy program keeps allocating, so scavenges grow rare; a full
 * collection then comes only when the spent Buffers add up to V8's 64 MiB external-memory limit,
 * and glibc keeps the malloc heap they filled. Measured (bench/stream.ts, 1 GiB): peak RSS 205-215
 * MiB by default, 135 MiB with the young generation held small, and no slower (bench/README.md).
 *
 * Only `--semi-space-growth-factor` works this way: V8 reads it whenever it would grow the young
 * generation, while `--max-semi-space-size` is read once, when the heap is made, and so needs a
 * command-line flag, which `node dist/index.js` (the Action) cannot take. It is set before the
 * program's modules load, so their start-up does not grow the young generation first. A user who
 * sizes the young generation with node's own flags (`NODE_OPTIONS`) keeps their choice.
 */
import v8 from 'node:v8';

/** Growth factor 1: the young generation never grows past its starting size. */
export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

/** The flag to set, or undefined when the user sized the young generation themselves. */
export function youngGenerationFlag(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  const sized = given.some((arg) =>
    /^--(?:max-semi-space-size|min-semi-space-size|semi-space-growth-factor)(?:=|$)/.test(
      arg.replaceAll('_', '-'),
    ),
  );
  return sized ? undefined : YOUNG_GENERATION_FLAG;
}

/** Call first thing in an entry point, before the program's modules are imported. */
export function keepYoungGenerationSmall(): void {
  const flag = youngGenerationFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (flag) v8.setFlagsFromString(flag);
}
