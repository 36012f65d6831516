import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  explanationMarkdown,
  renderExplanationTable
} from "./chunk-CUXJFSTO.js";
import "./chunk-HANBNIMK.js";
export {
  explanationMarkdown,
  renderExplanationTable
};
