import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  verifyModel
} from "./chunk-DFCXFZCZ.js";
import "./chunk-YKC5RJHD.js";
import "./chunk-PLMZIELF.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-XASWVK5R.js";
import "./chunk-FLPVL2F2.js";
import "./chunk-LIF43B6R.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  verifyModel
};
