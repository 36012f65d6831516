import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploy,
  deployOne,
  reportOf
} from "./chunk-GM4DMD35.js";
import "./chunk-BCMYBQKI.js";
import "./chunk-USIZCDJO.js";
import "./chunk-TWYUCFWI.js";
import "./chunk-KDJ7OXAS.js";
import "./chunk-VTYTHM25.js";
import "./chunk-PJU7HQSL.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-SAFSZYGR.js";
import "./chunk-366W3JI3.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  deploy,
  deployOne,
  reportOf
};
