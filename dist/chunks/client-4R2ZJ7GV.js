import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  RegistryClient,
  UploadLost,
  checkStoredDigest
} from "./chunk-6V4POYTW.js";
import "./chunk-NQ3VRKBU.js";
import "./chunk-3ORCPQOD.js";
import "./chunk-NCNDG6SP.js";
import "./chunk-HANBNIMK.js";
export {
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  RegistryClient,
  UploadLost,
  checkStoredDigest
};
