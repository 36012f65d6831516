import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  CHANGE_ROWS_SHOWN,
  ERROR_DETAIL_LINES_SHOWN,
  POOL_ROWS_SHOWN,
  SUMMARY_LIMIT_BYTES,
  formatDuration,
  renderSummaryMarkdown
} from "./chunk-D4NP6VRD.js";
import "./chunk-P4EM6VDN.js";
import "./chunk-2YCQ6PVZ.js";
import {
  formatBytes
} from "./chunk-R2UCZZQQ.js";
import "./chunk-TDPV7D6W.js";
import "./chunk-6DG7BXTN.js";
export {
  CHANGE_ROWS_SHOWN,
  ERROR_DETAIL_LINES_SHOWN,
  POOL_ROWS_SHOWN,
  SUMMARY_LIMIT_BYTES,
  formatBytes,
  formatDuration,
  renderSummaryMarkdown
};
