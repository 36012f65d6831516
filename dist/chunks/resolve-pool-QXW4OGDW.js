import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  environmentOf,
  resolvePool
} from "./chunk-N5ZYD6XE.js";
import "./chunk-L2GBSABO.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-NQ3VRKBU.js";
import "./chunk-NCNDG6SP.js";
import "./chunk-W363DE5G.js";
import "./chunk-HANBNIMK.js";
export {
  environmentOf,
  resolvePool
};
