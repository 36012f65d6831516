import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  RegistryClients,
  layoutTarget,
  parseRepository,
  registryTarget
} from "./chunk-5WRRCTCN.js";
import "./chunk-WSVYLQDT.js";
import "./chunk-R2UCZZQQ.js";
import "./chunk-P4GOECZY.js";
import "./chunk-CPYVGYKC.js";
import "./chunk-6UQBBSCY.js";
import "./chunk-2BDLSEHF.js";
import "./chunk-5ZVCNGR2.js";
import "./chunk-WPYXZ6I6.js";
import "./chunk-BPKCH6W6.js";
import "./chunk-6U5D3XBS.js";
import "./chunk-TDPV7D6W.js";
import "./chunk-IIQ7BM2O.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-36Q42R3Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";
export {
  RegistryClients,
  layoutTarget,
  parseRepository,
  registryTarget
};
