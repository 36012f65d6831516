import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  requirePolicy,
  verifyBundle,
  verifyModel
} from "./chunk-H6BCI6VU.js";
import "./chunk-JYAUU2OO.js";
import "./chunk-C6EBHX6A.js";
import "./chunk-L6YJBKPG.js";
import "./chunk-K6FNU6RV.js";
import "./chunk-XKCH53FU.js";
import "./chunk-GQEFYV6N.js";
import "./chunk-H4IN4WRU.js";
import "./chunk-6737T3ZJ.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  requirePolicy,
  verifyBundle,
  verifyModel
};
