import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/oci/oci-error.ts
var OciError = class extends PromotionError {
  name = "OciError";
};

export {
  OciError
};
