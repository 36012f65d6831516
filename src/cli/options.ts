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
    const flags = spec.boolean ? `--${name}` : spec.list ? `--${name} <value...>` : `--${name} <value>`;
    const option = new Option(flags, spec.description);
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
    if (value === undefined || value === false) return undefined;
    if (value === true) return 'true';
    if (Array.isArray(value)) return value.join('\n');
    return String(value);
  };
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
