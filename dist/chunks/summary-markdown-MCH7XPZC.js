import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatBytes,
  formatDuration,
  renderSummaryMarkdown
} from "./chunk-K5HYA4OE.js";
import "./chunk-R2XD6JB2.js";
import "./chunk-NCNDG6SP.js";
import "./chunk-HANBNIMK.js";
export {
  formatBytes,
  formatDuration,
  renderSummaryMarkdown
};
