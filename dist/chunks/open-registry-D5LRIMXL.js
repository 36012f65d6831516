import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  downloadCache,
  openRegistry
} from "./chunk-M3CBCDGE.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-GLAYSX4L.js";
import "./chunk-KM373MLN.js";
import "./chunk-XASWVK5R.js";
import "./chunk-LIF43B6R.js";
import "./chunk-SAFSZYGR.js";
import "./chunk-366W3JI3.js";
import "./chunk-X2ZM57SX.js";
import "./chunk-TBSWVVDM.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-MLM4BVIF.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-BUKCNMCN.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  downloadCache,
  openRegistry
};
