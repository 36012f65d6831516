import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DEFAULT_BLOCK_SIZE,
  HashPool,
  PROGRESS_STEP,
  prestartWorkers,
  workerModule
} from "./chunk-EXPRFBUG.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  DEFAULT_BLOCK_SIZE,
  HashPool,
  PROGRESS_STEP,
  prestartWorkers,
  workerModule
};
