import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  verifyModel
} from "./chunk-YGTZL4J6.js";
import "./chunk-F5ANEZUO.js";
import "./chunk-PLMZIELF.js";
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
  verifyModel
};
