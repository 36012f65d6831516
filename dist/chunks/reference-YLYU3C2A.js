import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  DOCKER_HUB,
  apiHost,
  formatReference,
  hostName,
  isLoopback,
  manifestReference,
  parseImageReference,
  registryOrigin
} from "./chunk-36Q42R3Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";
export {
  DOCKER_HUB,
  apiHost,
  formatReference,
  hostName,
  isLoopback,
  manifestReference,
  parseImageReference,
  registryOrigin
};
