import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  RegistryClient,
  UploadLost,
  checkStoredDigest
} from "./chunk-MLM4BVIF.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-BUKCNMCN.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  RegistryClient,
  UploadLost,
  checkStoredDigest
};
