import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  environmentOf,
  resolvePool
} from "./chunk-QV35YYR3.js";
import "./chunk-W363DE5G.js";
import "./chunk-3G5IPBNU.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  environmentOf,
  resolvePool
};
