import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DRIFT_SCHEMA_FILE,
  driftJsonSchema,
  driftMarkdown,
  driftRecord,
  driftRecordSchema,
  driftTable
} from "./chunk-B7GXN42N.js";
import "./chunk-KOJEPHCW.js";
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
