import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  outputsOf,
  runPromotion
} from "./chunk-KRF5PO4B.js";
import "./chunk-CZSKH64M.js";
import "./chunk-EBQLRF5O.js";
import "./chunk-UUWLXO2A.js";
import "./chunk-F62EJEYS.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-KN3YNHCM.js";
import "./chunk-73BSFPIA.js";
import "./chunk-ZDBXQY3L.js";
import "./chunk-MJW4XM6Z.js";
import "./chunk-N5ZYD6XE.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-7GX3WI2I.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-CC6XBRJ5.js";
import "./chunk-KTIXTKEH.js";
import "./chunk-6YXGLX3I.js";
import "./chunk-ITV6FRBN.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-Y5PM53KZ.js";
import "./chunk-BDT4GVSW.js";
import "./chunk-L2GBSABO.js";
import "./chunk-366W3JI3.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-6V4POYTW.js";
import "./chunk-NQ3VRKBU.js";
import "./chunk-3ORCPQOD.js";
import "./chunk-K5HYA4OE.js";
import "./chunk-R2XD6JB2.js";
import "./chunk-NCNDG6SP.js";
import "./chunk-W363DE5G.js";
import "./chunk-HANBNIMK.js";
export {
  outputsOf,
  runPromotion
};
