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
import "./chunk-6DG7BXTN.js";
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
