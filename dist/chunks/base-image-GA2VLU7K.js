import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  CUDA_RUNTIME_LABEL,
  ROCM_RUNTIME_LABEL,
  readBaseRuntimes,
  resolveBaseImage,
  runtimeOfImageConfig,
  scratchImage
} from "./chunk-XJS5JZWM.js";
import "./chunk-7UPFIEIQ.js";
import "./chunk-CNCN7DOH.js";
import "./chunk-CUXJFSTO.js";
import "./chunk-6UQBBSCY.js";
import "./chunk-2BDLSEHF.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-UCNWDHAO.js";
import "./chunk-3HG2YFLT.js";
import "./chunk-HP3MR4JB.js";
import "./chunk-IIQ7BM2O.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  CUDA_RUNTIME_LABEL,
  ROCM_RUNTIME_LABEL,
  readBaseRuntimes,
  resolveBaseImage,
  runtimeOfImageConfig,
  scratchImage
};
