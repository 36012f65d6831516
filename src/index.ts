import { keepYoungGenerationSmall } from './young-generation.js';

// Before the program loads: see young-generation.ts.
keepYoungGenerationSmall();
const { run } = await import('./main.js');

await run();
