import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatFieldPath,
  loadCatalog,
  parseCatalog
} from "./chunk-Y5PM53KZ.js";
import {
  DEFAULT_CATALOG_PATH
} from "./chunk-BDT4GVSW.js";
import "./chunk-L2GBSABO.js";
import "./chunk-366W3JI3.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-NQ3VRKBU.js";
import "./chunk-NCNDG6SP.js";
import "./chunk-HANBNIMK.js";
export {
  DEFAULT_CATALOG_PATH,
  formatFieldPath,
  loadCatalog,
  parseCatalog
};
