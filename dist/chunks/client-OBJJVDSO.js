import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  RegistryClient,
  UploadLost,
  checkStoredDigest
} from "./chunk-5ZVCNGR2.js";
import "./chunk-WPYXZ6I6.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-6U5D3XBS.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-36Q42R3Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  RegistryClient,
  UploadLost,
  checkStoredDigest
};
