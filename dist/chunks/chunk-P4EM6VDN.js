import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/report/markdown-limit.ts
var JOB_SUMMARY_LIMIT_BYTES = 1024 * 1024;
var GITHUB_COMMENT_LIMIT = 65536;
var GITLAB_NOTE_LIMIT = 1e6;
var utf8Bytes = (text) => Buffer.byteLength(text, "utf8");
var characters = (text) => text.length;
function fitMarkdown(markdown, limit, options) {
  const size = options.size ?? characters;
  if (size(markdown) <= limit) return markdown;
  const note = `
${options.note}
`;
  const closing = (inFence2, openDetails2) => (inFence2 ? "```\n" : "") + "</details>\n".repeat(openDetails2) + note;
  let used = 0;
  let inFence = false;
  let openDetails = 0;
  const kept = [];
  for (const line of markdown.split("\n")) {
    const fence = line.trimStart().startsWith("```") ? !inFence : inFence;
    const details = openDetails + count(line, /<details>/g) - count(line, /<\/details>/g);
    const cost = size(`${line}
`);
    if (used + cost + size(closing(fence, Math.max(0, details))) > limit) break;
    kept.push(line);
    used += cost;
    inFence = fence;
    openDetails = Math.max(0, details);
  }
  return `${kept.join("\n")}
${closing(inFence, openDetails)}`;
}
function count(line, pattern) {
  return line.match(pattern)?.length ?? 0;
}

export {
  JOB_SUMMARY_LIMIT_BYTES,
  GITHUB_COMMENT_LIMIT,
  GITLAB_NOTE_LIMIT,
  utf8Bytes,
  fitMarkdown
};
