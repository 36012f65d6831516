/**
 * CLI flags are the action's input names: `--dry-run` is the input `dry-run`, with the same
 * meaning. This file turns commander's parsed options back into an InputReader.
 */
import { Option, type Command } from 'commander';
import { INPUTS, type InputName, type InputReader, type InputSpec } from '../inputs.js';

const SPECS: ReadonlyMap<string, InputSpec> = new Map(INPUTS.map((spec) => [spec.name, spec]));

export function addInputOptions(command: Command, names: readonly InputName[]): Command {
  for (const name of names) {
    const spec = SPECS.get(name)!;
    // A boolean that defaults to true is turned off with --no-NAME, as commander spells it.
    const flags = spec.boolean
      ? spec.default === 'true'
        ? `--no-${name}`
        : `--${name}`
      : spec.list
        ? `--${name} <value...>`
        : `--${name} <value>`;
    // --no-NAME does the opposite of what the input's description says it turns on.
    const description =
      spec.boolean && spec.default === 'true'
        ? `Turn off what is on by default: ${spec.description}`
        : spec.description;
    const option = new Option(flags, description);
    if (spec.list) option.argParser(collect);
    if (!spec.boolean && spec.default !== undefined) option.default(spec.default);
    command.addOption(option);
  }
  return command;
}

/** Repeating a list flag adds to it, instead of replacing it. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function inputReader(options: Record<string, unknown>): InputReader {
  return (name) => {
    const value = options[camelCase(name)];
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return value.join('\n');
    return String(value);
  };
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
