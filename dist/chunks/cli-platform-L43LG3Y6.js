import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  cliErrorLines,
  cliPlatform
} from "./chunk-ZF5VR56W.js";
import "./chunk-R2XD6JB2.js";
import "./chunk-NCNDG6SP.js";
import "./chunk-HANBNIMK.js";
export {
  cliErrorLines,
  cliPlatform
};
