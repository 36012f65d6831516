import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatFieldPath,
  loadCatalog,
  parseCatalog
} from "./chunk-SSD7BEGC.js";
import {
  DEFAULT_CATALOG_PATH
} from "./chunk-BDT4GVSW.js";
import "./chunk-3HG2YFLT.js";
import "./chunk-HP3MR4JB.js";
import "./chunk-IIQ7BM2O.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-VHMCSZIG.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  DEFAULT_CATALOG_PATH,
  formatFieldPath,
  loadCatalog,
  parseCatalog
};
