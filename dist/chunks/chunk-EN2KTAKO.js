import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  external_exports
} from "./chunk-IIQ7BM2O.js";

// src/published-schema.ts
function publishedJsonSchema(schema, published) {
  const generated = external_exports.toJSONSchema(schema, { io: published.io, target: "draft-2020-12" });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: `https://github.com/model-promote/model-promote/${published.file}`,
    title: published.title,
    description: published.description,
    ...rest
  };
}

export {
  publishedJsonSchema
};
