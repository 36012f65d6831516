import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  cliErrorLines,
  cliPlatform
} from "./chunk-I6ZJUTZI.js";
import "./chunk-UTJAYMC6.js";
import "./chunk-NMTSEJ4W.js";
import "./chunk-P4EM6VDN.js";
import "./chunk-JHE52CC7.js";
import "./chunk-TDPV7D6W.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  cliErrorLines,
  cliPlatform
};
