import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  outputsOf,
  runPromotion,
  unstartedRecord
} from "./chunk-WZLEDAQK.js";
import "./chunk-OO2DKS6N.js";
import "./chunk-QFFU2CYM.js";
import "./chunk-GPU3YW72.js";
import "./chunk-D4NP6VRD.js";
import "./chunk-NMTSEJ4W.js";
import "./chunk-P4EM6VDN.js";
import "./chunk-EN2KTAKO.js";
import "./chunk-72BHJSEV.js";
import "./chunk-3OPSWSUX.js";
import "./chunk-HBU5M3SB.js";
import "./chunk-LNRYJ34N.js";
import "./chunk-QEWPVKDM.js";
import "./chunk-N2JUA4T2.js";
import "./chunk-HER5W5ST.js";
import "./chunk-SDNU7X5E.js";
import "./chunk-H6BCI6VU.js";
import "./chunk-JYAUU2OO.js";
import "./chunk-C6EBHX6A.js";
import "./chunk-L6YJBKPG.js";
import "./chunk-K6FNU6RV.js";
import "./chunk-XKCH53FU.js";
import "./chunk-GQEFYV6N.js";
import "./chunk-H4IN4WRU.js";
import "./chunk-6737T3ZJ.js";
import "./chunk-DBH2WL4U.js";
import "./chunk-2YCQ6PVZ.js";
import "./chunk-XJS5JZWM.js";
import "./chunk-7UPFIEIQ.js";
import "./chunk-CNCN7DOH.js";
import "./chunk-CUXJFSTO.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-5WRRCTCN.js";
import "./chunk-WSVYLQDT.js";
import "./chunk-R2UCZZQQ.js";
import "./chunk-P4GOECZY.js";
import "./chunk-CPYVGYKC.js";
import "./chunk-6UQBBSCY.js";
import "./chunk-2BDLSEHF.js";
import "./chunk-5ZVCNGR2.js";
import "./chunk-WPYXZ6I6.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-6U5D3XBS.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-UCNWDHAO.js";
import "./chunk-TYF5U52R.js";
import "./chunk-T7SLIWTS.js";
import "./chunk-VUSZPZLG.js";
import "./chunk-7PSXYHQK.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-TDPV7D6W.js";
import "./chunk-SSD7BEGC.js";
import "./chunk-BDT4GVSW.js";
import "./chunk-3HG2YFLT.js";
import "./chunk-HP3MR4JB.js";
import "./chunk-IIQ7BM2O.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-VHMCSZIG.js";
import "./chunk-36Q42R3Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  outputsOf,
  runPromotion,
  unstartedRecord
};
