import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatSpan,
  renderHistoryStats
} from "./chunk-2YCQ6PVZ.js";
import "./chunk-TDPV7D6W.js";
import "./chunk-6DG7BXTN.js";
export {
  formatSpan,
  renderHistoryStats
};
