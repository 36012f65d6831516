import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-NCNDG6SP.js";

// src/oci/oci-error.ts
var OciError = class extends PromotionError {
  name = "OciError";
};

export {
  OciError
};
