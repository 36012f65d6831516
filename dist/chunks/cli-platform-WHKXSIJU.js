import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  cliErrorLines,
  cliPlatform,
  sigstoreTokenFromEnv
} from "./chunk-4ZSNSTIC.js";
import "./chunk-JHE52CC7.js";
import "./chunk-P4EM6VDN.js";
import "./chunk-TDPV7D6W.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  cliErrorLines,
  cliPlatform,
  sigstoreTokenFromEnv
};
