import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploy,
  deployOne,
  reportOf
} from "./chunk-LHK6NKSM.js";
import "./chunk-XCJCHHLU.js";
import "./chunk-OYXLGIY5.js";
import "./chunk-PJU7HQSL.js";
import "./chunk-SAFSZYGR.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-366W3JI3.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  deploy,
  deployOne,
  reportOf
};
