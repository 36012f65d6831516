import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  OciModelRegistry,
  PROMOTION_ARTIFACT_TYPE,
  modelRepository,
  parseOciLocation
} from "./chunk-KYWQSPYE.js";
import "./chunk-RPXF3WPO.js";
import "./chunk-DFC3O67H.js";
import "./chunk-3LSK2HHG.js";
import "./chunk-366W3JI3.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-BIRR2AA3.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-PYGOZYFD.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  OciModelRegistry,
  PROMOTION_ARTIFACT_TYPE,
  modelRepository,
  parseOciLocation
};
