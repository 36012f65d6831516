import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  baseRuntimeKey,
  basesToInspect,
  environmentOf,
  resolvePool
} from "./chunk-PBWPUDFK.js";
import "./chunk-KNQ7HECB.js";
import "./chunk-CUXJFSTO.js";
import "./chunk-RVSVICZL.js";
import "./chunk-GKVXUXZV.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  baseRuntimeKey,
  basesToInspect,
  environmentOf,
  resolvePool
};
