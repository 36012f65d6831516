import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  baseRuntimeKey,
  basesToInspect,
  environmentOf,
  resolvePool
} from "./chunk-CNCN7DOH.js";
import "./chunk-CUXJFSTO.js";
import "./chunk-UCNWDHAO.js";
import "./chunk-3HG2YFLT.js";
import "./chunk-HP3MR4JB.js";
import "./chunk-IIQ7BM2O.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  baseRuntimeKey,
  basesToInspect,
  environmentOf,
  resolvePool
};
