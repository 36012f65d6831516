import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  downloadCache,
  openRegistry
} from "./chunk-NLQSKTAS.js";
import "./chunk-ABZBNJLJ.js";
import "./chunk-ESO4EEQ5.js";
import "./chunk-YGAKWXAP.js";
import "./chunk-FYILUEUX.js";
import "./chunk-5SQHXGDQ.js";
import "./chunk-LIF43B6R.js";
import "./chunk-P4GOECZY.js";
import "./chunk-MDC4KYY5.js";
import "./chunk-EOMTG3FA.js";
import "./chunk-3KYYGMJH.js";
import "./chunk-WPYXZ6I6.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-SAFSZYGR.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-366W3JI3.js";
import "./chunk-6U5D3XBS.js";
import "./chunk-36Q42R3Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  downloadCache,
  openRegistry
};
