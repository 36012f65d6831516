import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  refreshPublicGoodRoot
} from "./chunk-EBQLRF5O.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-TA4VEHOB.js";
import "./chunk-HANBNIMK.js";
export {
  refreshPublicGoodRoot
};
