import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  verifyModel
} from "./chunk-UUWLXO2A.js";
import "./chunk-F62EJEYS.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-73BSFPIA.js";
import "./chunk-ZDBXQY3L.js";
import "./chunk-6YXGLX3I.js";
import "./chunk-ITV6FRBN.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-NCNDG6SP.js";
import "./chunk-HANBNIMK.js";
export {
  verifyModel
};
