/**
 * Where Markdown goes, it has a size limit: GitHub's job summary takes 1 MiB per step, a PR
 * comment 65,536 characters, a GitLab note 1,000,000. Past it the text is refused (a comment) or
 * dropped (the job summary), so a report that could grow is cut to fit first. Pure.
 */

/** GitHub's job summary: 1 MiB per step, in bytes. */
export const JOB_SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** GitHub comments (PR and issue), in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** GitLab notes, in characters. */
export const GITLAB_NOTE_LIMIT = 1_000_000;

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
export const characters = (text: string): number => text.length;

export interface FitOptions {
  /** How the limit is measured: characters (the default) or UTF-8 bytes. */
  readonly size?: (text: string) => number;
  /** Said where the text was cut; Markdown, on a line of its own. */
  readonly note: string;
}

/**
 * The text itself when it fits; else its first whole lines, then whatever closes a code fence or a
 * `<details>` left open (so the cut does not swallow what follows, in a comment that adds a
 * footer), then the note. Lines are never split.
 */
export function fitMarkdown(markdown: string, limit: number, options: FitOptions): string {
  const size = options.size ?? characters;
  if (size(markdown) <= limit) return markdown;
  const note = `\n${options.note}\n`;
  const closing = (inFence: boolean, openDetails: number) =>
    (inFence ? '```\n' : '') + '</details>\n'.repeat(openDetails) + note;
  let used = 0;
  let inFence = false;
  let openDetails = 0;
  const kept: string[] = [];
  for (const line of markdown.split('\n')) {
    const fence: boolean = line.trimStart().startsWith('```') ? !inFence : inFence;
    const details = openDetails + count(line, /<details>/g) - count(line, /<\/details>/g);
    const cost = size(`${line}\n`);
    if (used + cost + size(closing(fence, Math.max(0, details))) > limit) break;
    kept.push(line);
    used += cost;
    inFence = fence;
    openDetails = Math.max(0, details);
  }
  return `${kept.join('\n')}\n${closing(inFence, openDetails)}`;
}

function count(line: string, pattern: RegExp): number {
  return line.match(pattern)?.length ?? 0;
}
