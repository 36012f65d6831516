import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploy,
  deployOne,
  reportOf
} from "./chunk-YQUTPADA.js";
import "./chunk-BXPS27L2.js";
import "./chunk-DAKOUBEK.js";
import "./chunk-TWYUCFWI.js";
import "./chunk-KDJ7OXAS.js";
import "./chunk-VTYTHM25.js";
import "./chunk-PJU7HQSL.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-SAFSZYGR.js";
import "./chunk-366W3JI3.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  deploy,
  deployOne,
  reportOf
};
