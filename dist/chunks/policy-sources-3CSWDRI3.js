import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot
} from "./chunk-I7UPCRVL.js";
import "./chunk-FLPVL2F2.js";
import "./chunk-LIF43B6R.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot
};
