import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/young-generation.ts
import v8 from "node:v8";
var YOUNG_GENERATION_FLAG = "--semi-space-growth-factor=1";
function youngGenerationFlag(execArgv, nodeOptions) {
  const given = [...execArgv, ...(nodeOptions ?? "").split(/\s+/)];
  const sized = given.some(
    (arg) => /^--(?:max-semi-space-size|min-semi-space-size|semi-space-growth-factor)(?:=|$)/.test(
      arg.replaceAll("_", "-")
    )
  );
  return sized ? void 0 : YOUNG_GENERATION_FLAG;
}
function keepYoungGenerationSmall() {
  const flag = youngGenerationFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (flag) v8.setFlagsFromString(flag);
}

export {
  keepYoungGenerationSmall
};
