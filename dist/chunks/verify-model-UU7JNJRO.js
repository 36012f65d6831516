import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  verifyModel
} from "./chunk-RY3BSRGS.js";
import "./chunk-5KEDG2XK.js";
import "./chunk-HFHLYMJL.js";
import "./chunk-NPSDCDRL.js";
import "./chunk-5GBMIQOC.js";
import "./chunk-DFC3O67H.js";
import "./chunk-3LSK2HHG.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  verifyModel
};
