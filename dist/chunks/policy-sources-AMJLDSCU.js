import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot
} from "./chunk-QG5O6P7X.js";
import "./chunk-5KEDG2XK.js";
import "./chunk-3LSK2HHG.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot
};
