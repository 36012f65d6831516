import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  comparable,
  diffLines,
  diffText,
  dryRunDiff,
  overwriteLines
} from "./chunk-USIZCDJO.js";
import "./chunk-KDJ7OXAS.js";
import "./chunk-PJU7HQSL.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-SAFSZYGR.js";
import "./chunk-366W3JI3.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  comparable,
  diffLines,
  diffText,
  dryRunDiff,
  overwriteLines
};
