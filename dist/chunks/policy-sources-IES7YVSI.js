import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot
} from "./chunk-CZSKH64M.js";
import "./chunk-F62EJEYS.js";
import "./chunk-ITV6FRBN.js";
import "./chunk-NCNDG6SP.js";
import "./chunk-HANBNIMK.js";
export {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot
};
