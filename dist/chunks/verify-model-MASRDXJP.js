import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  requirePolicy,
  verifyBundle,
  verifyModel
} from "./chunk-HI2WCFYO.js";
import "./chunk-F5ANEZUO.js";
import "./chunk-K6FNU6RV.js";
import "./chunk-YDRSZG6W.js";
import "./chunk-LMK7K5QS.js";
import "./chunk-FLPVL2F2.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-5SQHXGDQ.js";
import "./chunk-LIF43B6R.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  requirePolicy,
  verifyBundle,
  verifyModel
};
