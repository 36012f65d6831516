import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  downloadCache,
  openRegistry
} from "./chunk-3OPSWSUX.js";
import "./chunk-HBU5M3SB.js";
import "./chunk-LNRYJ34N.js";
import "./chunk-QEWPVKDM.js";
import "./chunk-XKCH53FU.js";
import "./chunk-H4IN4WRU.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-P4GOECZY.js";
import "./chunk-CPYVGYKC.js";
import "./chunk-2BDLSEHF.js";
import "./chunk-5ZVCNGR2.js";
import "./chunk-WPYXZ6I6.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-6U5D3XBS.js";
import "./chunk-VUSZPZLG.js";
import "./chunk-IIQ7BM2O.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-VHMCSZIG.js";
import "./chunk-36Q42R3Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  downloadCache,
  openRegistry
};
