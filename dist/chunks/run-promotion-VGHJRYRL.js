import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  outputsOf,
  runPromotion,
  unstartedRecord
} from "./chunk-QGKS72HD.js";
import "./chunk-W7K62N5Y.js";
import "./chunk-5R4QEKN4.js";
import "./chunk-EBQLRF5O.js";
import "./chunk-DFCXFZCZ.js";
import "./chunk-YKC5RJHD.js";
import "./chunk-PLMZIELF.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-DBH2WL4U.js";
import "./chunk-EU57MTXI.js";
import "./chunk-2YCQ6PVZ.js";
import "./chunk-P4EM6VDN.js";
import "./chunk-M3CBCDGE.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-GLAYSX4L.js";
import "./chunk-KM373MLN.js";
import "./chunk-XASWVK5R.js";
import "./chunk-N2JUA4T2.js";
import "./chunk-C2LB2LVF.js";
import "./chunk-FLPVL2F2.js";
import "./chunk-LIF43B6R.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-OYXLGIY5.js";
import "./chunk-PJU7HQSL.js";
import "./chunk-SAFSZYGR.js";
import "./chunk-25FNBLCQ.js";
import "./chunk-7SWMQWLQ.js";
import "./chunk-CUXJFSTO.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-RKA6ZKGL.js";
import "./chunk-BDT4GVSW.js";
import "./chunk-366W3JI3.js";
import "./chunk-UN3HUDN2.js";
import "./chunk-TDPV7D6W.js";
import "./chunk-Y4BWKDW2.js";
import "./chunk-RK2CZIOB.js";
import "./chunk-R2UCZZQQ.js";
import "./chunk-X2ZM57SX.js";
import "./chunk-CIBFGZV5.js";
import "./chunk-TBSWVVDM.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-MLM4BVIF.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-BUKCNMCN.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  outputsOf,
  runPromotion,
  unstartedRecord
};
