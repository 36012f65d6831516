import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ANONYMOUS,
  credentialHelperRunner,
  credentialProvider,
  dockerConfigPath,
  isAnonymous,
  normalizeServer,
  resolveCredential
} from "./chunk-6U5D3XBS.js";
import "./chunk-36Q42R3Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  ANONYMOUS,
  credentialHelperRunner,
  credentialProvider,
  dockerConfigPath,
  isAnonymous,
  normalizeServer,
  resolveCredential
};
