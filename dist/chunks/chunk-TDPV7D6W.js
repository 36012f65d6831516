import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/outside-text.ts
var CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
var ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
var CONTROL_RUNS = /[\u0000-\u001f\u007f-\u009f]+/g;
function firstControl(text) {
  const found = ANY_CONTROL.exec(text);
  return found ? { code: `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`, index: found.index } : void 0;
}
function oneLine(text) {
  return text.replace(CONTROL_RUNS, " ");
}
function escapeControls(text) {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
function neutralizeGithubCommands(text) {
  return text.replace(
    /^(\s*)(::|##\[)/gm,
    (_match, space, marker) => `${space}${marker[0]}\u200B${marker.slice(1)}`
  );
}

export {
  firstControl,
  oneLine,
  escapeControls,
  neutralizeGithubCommands
};
