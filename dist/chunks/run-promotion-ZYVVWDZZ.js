import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  outputsOf,
  runPromotion,
  unstartedRecord
} from "./chunk-7YORL5S5.js";
import "./chunk-ZGBRHKYS.js";
import "./chunk-BYU7NGN5.js";
import "./chunk-R2UCZZQQ.js";
import "./chunk-4LQ24X45.js";
import "./chunk-6ECF3WWP.js";
import "./chunk-AX5KJ2JY.js";
import "./chunk-T3CFVB3U.js";
import "./chunk-7FMVHNR4.js";
import "./chunk-N2JUA4T2.js";
import "./chunk-C2LB2LVF.js";
import "./chunk-EBQLRF5O.js";
import "./chunk-CM4ZBKO3.js";
import "./chunk-YKC5RJHD.js";
import "./chunk-H4MCQJR5.js";
import "./chunk-XASWVK5R.js";
import "./chunk-FLPVL2F2.js";
import "./chunk-LIF43B6R.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-OYXLGIY5.js";
import "./chunk-QV35YYR3.js";
import "./chunk-W363DE5G.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-7JUGYMZD.js";
import "./chunk-BDT4GVSW.js";
import "./chunk-3G5IPBNU.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-4QW5AIDF.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-BUKCNMCN.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-PJU7HQSL.js";
import "./chunk-SAFSZYGR.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-366W3JI3.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  outputsOf,
  runPromotion,
  unstartedRecord
};
