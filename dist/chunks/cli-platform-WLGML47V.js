import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  cliErrorLines,
  cliPlatform
} from "./chunk-3GVY7M37.js";
import "./chunk-6ECF3WWP.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  cliErrorLines,
  cliPlatform
};
