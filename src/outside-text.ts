/**
 * Text from outside (registry metadata, inputs, server messages) must not steer the log that shows
 * it: no terminal escape sequence (colours, cursor moves, GitLab's collapsible-section markers), no
 * carriage return that overwrites a line, and on GitHub no line the runner would run as a workflow
 * command. Every platform passes what it prints through these.
 */

/* eslint-disable no-control-regex -- matching control characters is what this module is for */
/** C0 and C1 control characters, DEL; newline and tab are left alone. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Every control character, newline and tab included. */
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_RUNS = /[\u0000-\u001f\u007f-\u009f]+/g;
/* eslint-enable no-control-regex */

/** The first control character of `text` (newline and tab included), with its index. */
export function firstControl(text: string): { code: string; index: number } | undefined {
  const found = ANY_CONTROL.exec(text);
  return found
    ? { code: `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`, index: found.index }
    : undefined;
}

/** Outside text on one line: each run of control characters (newlines included) becomes a space. */
export function oneLine(text: string): string {
  return text.replace(CONTROL_RUNS, ' ');
}

/** Shows each control character as a visible escape (`\x1b`), keeping newlines and tabs. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Breaks what the GitHub runner reads as a command at the start of a line, after any whitespace:
 * `::name ...::` workflow commands and `##[name]` log commands. A zero-width space after the
 * first character keeps the text readable and inert.
 */
export function neutralizeGithubCommands(text: string): string {
  return text.replace(
    /^(\s*)(::|##\[)/gm,
    (_match, space: string, marker: string) => `${space}${marker[0]}\u200b${marker.slice(1)}`,
  );
}
