import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  downloadCache,
  openRegistry
} from "./chunk-FGC42LDL.js";
import "./chunk-FGDVGVJY.js";
import "./chunk-XPD7MY5L.js";
import "./chunk-KQSDLUKI.js";
import "./chunk-XKCH53FU.js";
import "./chunk-H4IN4WRU.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-P4GOECZY.js";
import "./chunk-MDC4KYY5.js";
import "./chunk-2BDLSEHF.js";
import "./chunk-3KYYGMJH.js";
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
