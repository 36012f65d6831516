import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DRIFT_SCHEMA_FILE,
  driftJsonSchema,
  driftMarkdown,
  driftRecord,
  driftRecordSchema,
  driftTable
} from "./chunk-JLHKTHJO.js";
import "./chunk-EN2KTAKO.js";
import "./chunk-IIQ7BM2O.js";
import "./chunk-6DG7BXTN.js";
export {
  DRIFT_SCHEMA_FILE,
  driftJsonSchema,
  driftMarkdown,
  driftRecord,
  driftRecordSchema,
  driftTable
};
