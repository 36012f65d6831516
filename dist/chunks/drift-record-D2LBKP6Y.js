import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DRIFT_SCHEMA_FILE,
  driftJsonSchema,
  driftMarkdown,
  driftRecord,
  driftRecordSchema,
  driftTable
} from "./chunk-5QW6V7SU.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-HANBNIMK.js";
export {
  DRIFT_SCHEMA_FILE,
  driftJsonSchema,
  driftMarkdown,
  driftRecord,
  driftRecordSchema,
  driftTable
};
