import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  CHANGE_ROWS_SHOWN,
  ERROR_DETAIL_LINES_SHOWN,
  POOL_ROWS_SHOWN,
  SUMMARY_LIMIT_BYTES,
  formatDuration,
  renderSummaryMarkdown
} from "./chunk-ZGBRHKYS.js";
import {
  formatBytes
} from "./chunk-R2UCZZQQ.js";
import "./chunk-6ECF3WWP.js";
import "./chunk-HANBNIMK.js";
export {
  CHANGE_ROWS_SHOWN,
  ERROR_DETAIL_LINES_SHOWN,
  POOL_ROWS_SHOWN,
  SUMMARY_LIMIT_BYTES,
  formatBytes,
  formatDuration,
  renderSummaryMarkdown
};
