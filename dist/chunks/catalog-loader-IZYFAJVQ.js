import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatFieldPath,
  loadCatalog,
  parseCatalog
} from "./chunk-52W4BAMG.js";
import {
  DEFAULT_CATALOG_PATH
} from "./chunk-BDT4GVSW.js";
import "./chunk-RVSVICZL.js";
import "./chunk-GKVXUXZV.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-366W3JI3.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  DEFAULT_CATALOG_PATH,
  formatFieldPath,
  loadCatalog,
  parseCatalog
};
