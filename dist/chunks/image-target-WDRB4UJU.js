import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  RegistryClients,
  layoutTarget,
  parseRepository,
  registryTarget
} from "./chunk-Y4BWKDW2.js";
import "./chunk-RK2CZIOB.js";
import "./chunk-R2UCZZQQ.js";
import "./chunk-X2ZM57SX.js";
import "./chunk-CIBFGZV5.js";
import "./chunk-TBSWVVDM.js";
import "./chunk-QTXGKDSB.js";
import "./chunk-MLM4BVIF.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-BUKCNMCN.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  RegistryClients,
  layoutTarget,
  parseRepository,
  registryTarget
};
