import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  refreshPublicGoodRoot
} from "./chunk-SDNU7X5E.js";
import "./chunk-6737T3ZJ.js";
import "./chunk-7PSXYHQK.js";
import "./chunk-6DG7BXTN.js";
export {
  refreshPublicGoodRoot
};
