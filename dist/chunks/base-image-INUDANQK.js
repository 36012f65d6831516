import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  CUDA_RUNTIME_LABEL,
  ROCM_RUNTIME_LABEL,
  readBaseRuntimes,
  resolveBaseImage,
  runtimeOfImageConfig,
  scratchImage
} from "./chunk-GRPO3PEL.js";
import "./chunk-PBWPUDFK.js";
import "./chunk-W3UGKGLW.js";
import "./chunk-EOMTG3FA.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-KNQ7HECB.js";
import "./chunk-CUXJFSTO.js";
import "./chunk-RVSVICZL.js";
import "./chunk-GKVXUXZV.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  CUDA_RUNTIME_LABEL,
  ROCM_RUNTIME_LABEL,
  readBaseRuntimes,
  resolveBaseImage,
  runtimeOfImageConfig,
  scratchImage
};
