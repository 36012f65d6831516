import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  explanationMarkdown,
  renderExplanationTable
} from "./chunk-CUXJFSTO.js";
import "./chunk-6DG7BXTN.js";
export {
  explanationMarkdown,
  renderExplanationTable
};
