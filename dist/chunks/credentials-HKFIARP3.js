import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ANONYMOUS,
  credentialHelperRunner,
  credentialProvider,
  dockerConfigPath,
  isAnonymous,
  normalizeServer,
  resolveCredential
} from "./chunk-BUKCNMCN.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  ANONYMOUS,
  credentialHelperRunner,
  credentialProvider,
  dockerConfigPath,
  isAnonymous,
  normalizeServer,
  resolveCredential
};
