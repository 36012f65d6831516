import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  outputsOf,
  runPromotion,
  unstartedRecord
} from "./chunk-NYFZLUY3.js";
import "./chunk-4LQ24X45.js";
import "./chunk-C2LB2LVF.js";
import "./chunk-EBQLRF5O.js";
import "./chunk-X6O4JP3W.js";
import "./chunk-YKC5RJHD.js";
import "./chunk-FLPVL2F2.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-GPJQNY24.js";
import "./chunk-6ECF3WWP.js";
import "./chunk-2VOA4SVQ.js";
import "./chunk-5GBMIQOC.js";
import "./chunk-R2UCZZQQ.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-RCNAWBQS.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-WFYD4HDW.js";
import "./chunk-75OGKY77.js";
import "./chunk-XASWVK5R.js";
import "./chunk-LIF43B6R.js";
import "./chunk-N2JUA4T2.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-GX6EL5QT.js";
import "./chunk-BDT4GVSW.js";
import "./chunk-366W3JI3.js";
import "./chunk-ECTN6BSE.js";
import "./chunk-BUKCNMCN.js";
import "./chunk-24RTBDHE.js";
import "./chunk-3G5IPBNU.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-W363DE5G.js";
import "./chunk-HANBNIMK.js";
export {
  outputsOf,
  runPromotion,
  unstartedRecord
};
