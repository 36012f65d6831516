/**
 * The manifest types this half of OMS works on. They are defined by `statement.ts` (the signature
 * half); this file is the single place that imports them, so the serializer's files agree.
 */
export type { ModelManifest, Resource, Serialization } from './statement.js';
