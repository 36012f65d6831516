import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/image/image-error.ts
var ImageError = class extends PromotionError {
  name = "ImageError";
};

export {
  ImageError
};
