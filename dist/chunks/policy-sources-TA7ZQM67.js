import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot
} from "./chunk-HER5W5ST.js";
import "./chunk-GQEFYV6N.js";
import "./chunk-H4IN4WRU.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  requirementFromEnvironment,
  requirementFromInputs,
  usesPublicGood,
  withPublicGoodRoot
};
