import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  PromotionError
} from "./chunk-237YPWJV.js";

// src/schema/schema-error.ts
var SchemaError = class extends PromotionError {
  name = "SchemaError";
};

export {
  SchemaError
};
