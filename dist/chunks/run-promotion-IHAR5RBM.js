import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  outputsOf,
  runPromotion,
  unstartedRecord
} from "./chunk-ZEE7DM54.js";
import "./chunk-5CMOCK5Q.js";
import "./chunk-VDEDRRDI.js";
import "./chunk-6CD5TJ22.js";
import "./chunk-QAKX5YTZ.js";
import "./chunk-KOJEPHCW.js";
import "./chunk-NLQSKTAS.js";
import "./chunk-N2JUA4T2.js";
import "./chunk-I7UPCRVL.js";
import "./chunk-EBQLRF5O.js";
import "./chunk-HI2WCFYO.js";
import "./chunk-F5ANEZUO.js";
import "./chunk-K6FNU6RV.js";
import "./chunk-YDRSZG6W.js";
import "./chunk-LMK7K5QS.js";
import "./chunk-FLPVL2F2.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-DBH2WL4U.js";
import "./chunk-2GSNF3NN.js";
import "./chunk-P4EM6VDN.js";
import "./chunk-2YCQ6PVZ.js";
import "./chunk-GRPO3PEL.js";
import "./chunk-PBWPUDFK.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-ESO4EEQ5.js";
import "./chunk-YGAKWXAP.js";
import "./chunk-FYILUEUX.js";
import "./chunk-5SQHXGDQ.js";
import "./chunk-LIF43B6R.js";
import "./chunk-72TF4PTO.js";
import "./chunk-GZ6HYG7E.js";
import "./chunk-R2UCZZQQ.js";
import "./chunk-W3UGKGLW.js";
import "./chunk-P4GOECZY.js";
import "./chunk-MDC4KYY5.js";
import "./chunk-EOMTG3FA.js";
import "./chunk-3KYYGMJH.js";
import "./chunk-WPYXZ6I6.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-KNQ7HECB.js";
import "./chunk-VTYTHM25.js";
import "./chunk-PJU7HQSL.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-SAFSZYGR.js";
import "./chunk-CUXJFSTO.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-52W4BAMG.js";
import "./chunk-BDT4GVSW.js";
import "./chunk-RVSVICZL.js";
import "./chunk-GKVXUXZV.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-366W3JI3.js";
import "./chunk-TDPV7D6W.js";
import "./chunk-6U5D3XBS.js";
import "./chunk-36Q42R3Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  outputsOf,
  runPromotion,
  unstartedRecord
};
