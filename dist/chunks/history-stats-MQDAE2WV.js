import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  environmentStats,
  historyStats,
  historyWith,
  nearestRank
} from "./chunk-DBH2WL4U.js";
import "./chunk-6DG7BXTN.js";
export {
  environmentStats,
  historyStats,
  historyWith,
  nearestRank
};
