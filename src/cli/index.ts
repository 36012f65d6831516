#!/usr/bin/env node
import module from 'node:module';
import { keepYoungGenerationSmall } from '../young-generation.js';

// Before the program loads: see young-generation.ts.
keepYoungGenerationSmall();

// Node keeps the compiled code of the CLI's modules between runs (in the OS's temporary folder),
// so every run after the first starts faster; the program is imported after, to be cached too.
module.enableCompileCache?.();
const { main } = await import('./program.js');

process.exitCode = await main(process.argv.slice(2));
