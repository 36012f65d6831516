import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  outputsOf,
  runPromotion,
  unstartedRecord
} from "./chunk-H52F5PE6.js";
import "./chunk-QG5O6P7X.js";
import "./chunk-EBQLRF5O.js";
import "./chunk-RY3BSRGS.js";
import "./chunk-5KEDG2XK.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-K3GHIZ73.js";
import "./chunk-NPSDCDRL.js";
import "./chunk-5GBMIQOC.js";
import "./chunk-4RQFE5XV.js";
import "./chunk-24RTBDHE.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-BTZTINGY.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-KYWQSPYE.js";
import "./chunk-RPXF3WPO.js";
import "./chunk-DFC3O67H.js";
import "./chunk-3LSK2HHG.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-7JUGYMZD.js";
import "./chunk-BDT4GVSW.js";
import "./chunk-3G5IPBNU.js";
import "./chunk-366W3JI3.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-BIRR2AA3.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-PYGOZYFD.js";
import "./chunk-237YPWJV.js";
import "./chunk-E6OD42AG.js";
import "./chunk-6ECF3WWP.js";
import "./chunk-W363DE5G.js";
import "./chunk-HANBNIMK.js";
export {
  outputsOf,
  runPromotion,
  unstartedRecord
};
