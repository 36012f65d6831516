import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/logger.ts
var silentLogger = { info() {
}, warn() {
}, debug() {
} };

export {
  silentLogger
};
