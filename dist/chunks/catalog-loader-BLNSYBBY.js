import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatFieldPath,
  loadCatalog,
  parseCatalog
} from "./chunk-RKA6ZKGL.js";
import {
  DEFAULT_CATALOG_PATH
} from "./chunk-BDT4GVSW.js";
import "./chunk-366W3JI3.js";
import "./chunk-UN3HUDN2.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  DEFAULT_CATALOG_PATH,
  formatFieldPath,
  loadCatalog,
  parseCatalog
};
