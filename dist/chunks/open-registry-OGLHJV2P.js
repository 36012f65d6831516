import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  downloadCache,
  openRegistry
} from "./chunk-AX5KJ2JY.js";
import "./chunk-T3CFVB3U.js";
import "./chunk-7FMVHNR4.js";
import "./chunk-XASWVK5R.js";
import "./chunk-LIF43B6R.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-4QW5AIDF.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-BUKCNMCN.js";
import "./chunk-SAFSZYGR.js";
import "./chunk-366W3JI3.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  downloadCache,
  openRegistry
};
