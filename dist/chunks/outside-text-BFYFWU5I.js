import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  escapeControls,
  firstControl,
  neutralizeGithubCommands,
  oneLine
} from "./chunk-TDPV7D6W.js";
import "./chunk-6DG7BXTN.js";
export {
  escapeControls,
  firstControl,
  neutralizeGithubCommands,
  oneLine
};
