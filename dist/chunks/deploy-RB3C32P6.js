import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploy,
  deployOne,
  reportOf
} from "./chunk-GWODLVSK.js";
import "./chunk-RMOHXDDH.js";
import "./chunk-TYF5U52R.js";
import "./chunk-WHQ2FI6V.js";
import "./chunk-NPMHQBIR.js";
import "./chunk-HHEFGIJB.js";
import "./chunk-T7SLIWTS.js";
import "./chunk-VUSZPZLG.js";
import "./chunk-7PSXYHQK.js";
import "./chunk-VHMCSZIG.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  deploy,
  deployOne,
  reportOf
};
