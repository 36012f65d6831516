import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  CUDA_RUNTIME_LABEL,
  ROCM_RUNTIME_LABEL,
  readBaseRuntimes,
  resolveBaseImage,
  runtimeOfImageConfig,
  scratchImage
} from "./chunk-25FNBLCQ.js";
import "./chunk-7SWMQWLQ.js";
import "./chunk-CUXJFSTO.js";
import "./chunk-UN3HUDN2.js";
import "./chunk-CIBFGZV5.js";
import "./chunk-TBSWVVDM.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-BPKCH6W6.js";
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
