import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/environments/catalog-path.ts
var DEFAULT_CATALOG_PATH = ".model-promote/catalog.yaml";

export {
  DEFAULT_CATALOG_PATH
};
