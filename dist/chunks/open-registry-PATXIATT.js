import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  downloadCache,
  openRegistry
} from "./chunk-7GX3WI2I.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-CC6XBRJ5.js";
import "./chunk-KTIXTKEH.js";
import "./chunk-6YXGLX3I.js";
import "./chunk-ITV6FRBN.js";
import "./chunk-366W3JI3.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-6V4POYTW.js";
import "./chunk-NQ3VRKBU.js";
import "./chunk-3ORCPQOD.js";
import "./chunk-NCNDG6SP.js";
import "./chunk-HANBNIMK.js";
export {
  downloadCache,
  openRegistry
};
