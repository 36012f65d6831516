import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  FIELD_MANAGER,
  ROLLBACK_MANAGER,
  displayName,
  imageIdHasDigest
} from "./chunk-HHEFGIJB.js";
import {
  DeployError,
  statusOf
} from "./chunk-T7SLIWTS.js";
import {
  require_dist
} from "./chunk-VHMCSZIG.js";
import {
  __toESM
} from "./chunk-6DG7BXTN.js";

// node_modules/diff/libesm/diff/base.js
var Diff = class {
  diff(oldStr, newStr, options = {}) {
    let callback;
    if (typeof options === "function") {
      callback = options;
      options = {};
    } else if ("callback" in options) {
      callback = options.callback;
    }
    const oldString = this.castInput(oldStr, options);
    const newString = this.castInput(newStr, options);
    const oldTokens = this.removeEmpty(this.tokenize(oldString, options));
    const newTokens = this.removeEmpty(this.tokenize(newString, options));
    return this.diffWithOptionsObj(oldTokens, newTokens, options, callback);
  }
  diffWithOptionsObj(oldTokens, newTokens, options, callback) {
    var _a;
    const done = (value) => {
      value = this.postProcess(value, options);
      if (callback) {
        setTimeout(function() {
          callback(value);
        }, 0);
        return void 0;
      } else {
        return value;
      }
    };
    const newLen = newTokens.length, oldLen = oldTokens.length;
    let editLength = 1;
    let maxEditLength = newLen + oldLen;
    if (options.maxEditLength != null) {
      maxEditLength = Math.min(maxEditLength, options.maxEditLength);
    }
    const maxExecutionTime = (_a = options.timeout) !== null && _a !== void 0 ? _a : Infinity;
    const abortAfterTimestamp = Date.now() + maxExecutionTime;
    const bestPath = [{ oldPos: -1, lastComponent: void 0 }];
    let newPos = this.extractCommon(bestPath[0], newTokens, oldTokens, 0, options);
    if (bestPath[0].oldPos + 1 >= oldLen && newPos + 1 >= newLen) {
      return done(this.buildValues(bestPath[0].lastComponent, newTokens, oldTokens));
    }
    let minDiagonalToConsider = -Infinity, maxDiagonalToConsider = Infinity;
    const execEditLength = () => {
      for (let diagonalPath = Math.max(minDiagonalToConsider, -editLength); diagonalPath <= Math.min(maxDiagonalToConsider, editLength); diagonalPath += 2) {
        let basePath;
        const removePath = bestPath[diagonalPath - 1], addPath = bestPath[diagonalPath + 1];
        if (removePath) {
          bestPath[diagonalPath - 1] = void 0;
        }
        let canAdd = false;
        if (addPath) {
          const addPathNewPos = addPath.oldPos - diagonalPath;
          canAdd = addPath && 0 <= addPathNewPos && addPathNewPos < newLen;
        }
        const canRemove = removePath && removePath.oldPos + 1 < oldLen;
        if (!canAdd && !canRemove) {
          bestPath[diagonalPath] = void 0;
          continue;
        }
        if (!canRemove || canAdd && removePath.oldPos < addPath.oldPos) {
          basePath = this.addToPath(addPath, true, false, 0, options);
        } else {
          basePath = this.addToPath(removePath, false, true, 1, options);
        }
        newPos = this.extractCommon(basePath, newTokens, oldTokens, diagonalPath, options);
        if (basePath.oldPos + 1 >= oldLen && newPos + 1 >= newLen) {
          return done(this.buildValues(basePath.lastComponent, newTokens, oldTokens)) || true;
        } else {
          bestPath[diagonalPath] = basePath;
          if (basePath.oldPos + 1 >= oldLen) {
            maxDiagonalToConsider = Math.min(maxDiagonalToConsider, diagonalPath - 1);
          }
          if (newPos + 1 >= newLen) {
            minDiagonalToConsider = Math.max(minDiagonalToConsider, diagonalPath + 1);
          }
        }
      }
      editLength++;
    };
    if (callback) {
      (function exec() {
        setTimeout(function() {
          if (editLength > maxEditLength || Date.now() > abortAfterTimestamp) {
            return callback(void 0);
          }
          if (!execEditLength()) {
            exec();
          }
        }, 0);
      })();
    } else {
      while (editLength <= maxEditLength && Date.now() <= abortAfterTimestamp) {
        const ret = execEditLength();
        if (ret) {
          return ret;
        }
      }
    }
  }
  addToPath(path, added, removed, oldPosInc, options) {
    const last = path.lastComponent;
    if (last && !options.oneChangePerToken && last.added === added && last.removed === removed) {
      return {
        oldPos: path.oldPos + oldPosInc,
        lastComponent: { count: last.count + 1, added, removed, previousComponent: last.previousComponent }
      };
    } else {
      return {
        oldPos: path.oldPos + oldPosInc,
        lastComponent: { count: 1, added, removed, previousComponent: last }
      };
    }
  }
  extractCommon(basePath, newTokens, oldTokens, diagonalPath, options) {
    const newLen = newTokens.length, oldLen = oldTokens.length;
    let oldPos = basePath.oldPos, newPos = oldPos - diagonalPath, commonCount = 0;
    while (newPos + 1 < newLen && oldPos + 1 < oldLen && this.equals(oldTokens[oldPos + 1], newTokens[newPos + 1], options)) {
      newPos++;
      oldPos++;
      commonCount++;
      if (options.oneChangePerToken) {
        basePath.lastComponent = { count: 1, previousComponent: basePath.lastComponent, added: false, removed: false };
      }
    }
    if (commonCount && !options.oneChangePerToken) {
      basePath.lastComponent = { count: commonCount, previousComponent: basePath.lastComponent, added: false, removed: false };
    }
    basePath.oldPos = oldPos;
    return newPos;
  }
  equals(left, right, options) {
    if (options.comparator) {
      return options.comparator(left, right);
    } else {
      return left === right || !!options.ignoreCase && left.toLowerCase() === right.toLowerCase();
    }
  }
  removeEmpty(array) {
    const ret = [];
    for (let i = 0; i < array.length; i++) {
      if (array[i]) {
        ret.push(array[i]);
      }
    }
    return ret;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  castInput(value, options) {
    return value;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  tokenize(value, options) {
    return Array.from(value);
  }
  join(chars) {
    return chars.join("");
  }
  postProcess(changeObjects, options) {
    return changeObjects;
  }
  get useLongestToken() {
    return false;
  }
  buildValues(lastComponent, newTokens, oldTokens) {
    const components = [];
    let nextComponent;
    while (lastComponent) {
      components.push(lastComponent);
      nextComponent = lastComponent.previousComponent;
      delete lastComponent.previousComponent;
      lastComponent = nextComponent;
    }
    components.reverse();
    const componentLen = components.length;
    let componentPos = 0, newPos = 0, oldPos = 0;
    for (; componentPos < componentLen; componentPos++) {
      const component = components[componentPos];
      if (!component.removed) {
        if (!component.added && this.useLongestToken) {
          let value = newTokens.slice(newPos, newPos + component.count);
          value = value.map(function(value2, i) {
            const oldValue = oldTokens[oldPos + i];
            return oldValue.length > value2.length ? oldValue : value2;
          });
          component.value = this.join(value);
        } else {
          component.value = this.join(newTokens.slice(newPos, newPos + component.count));
        }
        newPos += component.count;
        if (!component.added) {
          oldPos += component.count;
        }
      } else {
        component.value = this.join(oldTokens.slice(oldPos, oldPos + component.count));
        oldPos += component.count;
      }
    }
    return components;
  }
};

// node_modules/diff/libesm/diff/line.js
var LineDiff = class extends Diff {
  constructor() {
    super(...arguments);
    this.tokenize = tokenize;
  }
  equals(left, right, options) {
    if (options.ignoreWhitespace) {
      if (!options.newlineIsToken || !left.includes("\n")) {
        left = left.trim();
      }
      if (!options.newlineIsToken || !right.includes("\n")) {
        right = right.trim();
      }
    } else if (options.ignoreNewlineAtEof && !options.newlineIsToken) {
      if (left.endsWith("\n")) {
        left = left.slice(0, -1);
      }
      if (right.endsWith("\n")) {
        right = right.slice(0, -1);
      }
    }
    return super.equals(left, right, options);
  }
};
var lineDiff = new LineDiff();
function diffLines(oldStr, newStr, options) {
  return lineDiff.diff(oldStr, newStr, options);
}
function tokenize(value, options) {
  if (options.stripTrailingCr) {
    value = value.replace(/\r\n/g, "\n");
  }
  const retLines = [], linesAndNewlines = value.split(/(\n|\r\n)/);
  if (!linesAndNewlines[linesAndNewlines.length - 1]) {
    linesAndNewlines.pop();
  }
  for (let i = 0; i < linesAndNewlines.length; i++) {
    const line = linesAndNewlines[i];
    if (i % 2 && !options.newlineIsToken) {
      retLines[retLines.length - 1] += line;
    } else {
      retLines.push(line);
    }
  }
  return retLines;
}

// node_modules/diff/libesm/patch/create.js
function structuredPatch(oldFileName, newFileName, oldStr, newStr, oldHeader, newHeader, options) {
  let optionsObj;
  if (!options) {
    optionsObj = {};
  } else if (typeof options === "function") {
    optionsObj = { callback: options };
  } else {
    optionsObj = options;
  }
  if (typeof optionsObj.context === "undefined") {
    optionsObj.context = 4;
  }
  const context = optionsObj.context;
  if (optionsObj.newlineIsToken) {
    throw new Error("newlineIsToken may not be used with patch-generation functions, only with diffing functions");
  }
  if (!optionsObj.callback) {
    return diffLinesResultToPatch(diffLines(oldStr, newStr, optionsObj));
  } else {
    const { callback } = optionsObj;
    diffLines(oldStr, newStr, Object.assign(Object.assign({}, optionsObj), { callback: (diff) => {
      const patch = diffLinesResultToPatch(diff);
      callback(patch);
    } }));
  }
  function diffLinesResultToPatch(diff) {
    if (!diff) {
      return;
    }
    diff.push({ value: "", lines: [] });
    function contextLines(lines) {
      return lines.map(function(entry) {
        return " " + entry;
      });
    }
    const hunks = [];
    let oldRangeStart = 0, newRangeStart = 0, curRange = [], oldLine = 1, newLine = 1;
    for (let i = 0; i < diff.length; i++) {
      const current = diff[i], lines = current.lines || splitLines(current.value);
      current.lines = lines;
      if (current.added || current.removed) {
        if (!oldRangeStart) {
          const prev = diff[i - 1];
          oldRangeStart = oldLine;
          newRangeStart = newLine;
          if (prev) {
            curRange = context > 0 ? contextLines(prev.lines.slice(-context)) : [];
            oldRangeStart -= curRange.length;
            newRangeStart -= curRange.length;
          }
        }
        for (const line of lines) {
          curRange.push((current.added ? "+" : "-") + line);
        }
        if (current.added) {
          newLine += lines.length;
        } else {
          oldLine += lines.length;
        }
      } else {
        if (oldRangeStart) {
          if (lines.length <= context * 2 && i < diff.length - 2) {
            for (const line of contextLines(lines)) {
              curRange.push(line);
            }
          } else {
            const contextSize = Math.min(lines.length, context);
            for (const line of contextLines(lines.slice(0, contextSize))) {
              curRange.push(line);
            }
            const hunk = {
              oldStart: oldRangeStart,
              oldLines: oldLine - oldRangeStart + contextSize,
              newStart: newRangeStart,
              newLines: newLine - newRangeStart + contextSize,
              lines: curRange
            };
            hunks.push(hunk);
            oldRangeStart = 0;
            newRangeStart = 0;
            curRange = [];
          }
        }
        oldLine += lines.length;
        newLine += lines.length;
      }
    }
    for (const hunk of hunks) {
      for (let i = 0; i < hunk.lines.length; i++) {
        if (hunk.lines[i].endsWith("\n")) {
          hunk.lines[i] = hunk.lines[i].slice(0, -1);
        } else {
          hunk.lines.splice(i + 1, 0, "\\ No newline at end of file");
          i++;
        }
      }
    }
    return {
      oldFileName,
      newFileName,
      oldHeader,
      newHeader,
      hunks
    };
  }
}
function splitLines(text) {
  const hasTrailingNl = text.endsWith("\n");
  const result = text.split("\n").map((line) => line + "\n");
  if (hasTrailingNl) {
    result.pop();
  } else {
    result.push(result.pop().slice(0, -1));
  }
  return result;
}

// src/deploy/apply-diff.ts
var import_yaml = __toESM(require_dist(), 1);

// src/deploy/apply.ts
function conflictManagers(error) {
  const status = statusOf(error instanceof DeployError ? error.cause : error);
  const texts = [...(status?.details?.causes ?? []).map((c) => c.message ?? ""), status?.message ?? ""];
  const managers = /* @__PURE__ */ new Set();
  for (const text of texts)
    for (const m of text.matchAll(/conflicts? with "([^"]+)"/g)) managers.add(m[1] ?? "");
  managers.delete("");
  return [...managers];
}
async function applyObject(cluster, object, options) {
  try {
    return await cluster.apply(object, { force: options.force, dryRun: options.dryRun ?? false });
  } catch (error) {
    if (!(error instanceof DeployError) || error.code !== "apply-conflict") throw error;
    const managers = conflictManagers(error);
    if (managers.length > 0 && managers.every((m) => m === ROLLBACK_MANAGER)) {
      options.logger.info(
        `${displayName(object)}: taking back fields from our own earlier rollback (${ROLLBACK_MANAGER})`
      );
      return cluster.apply(object, { force: true, dryRun: options.dryRun ?? false });
    }
    throw new DeployError(
      error.kind,
      error.code,
      `${error.message}${managers.length ? ` (field managers: ${managers.join(", ")})` : ""}`,
      error.hint,
      { cause: error.cause }
    );
  }
}

// src/deploy/drift.ts
var ABSENT = "(absent)";
var SERVER_METADATA = /* @__PURE__ */ new Set([
  "managedFields",
  "resourceVersion",
  "uid",
  "creationTimestamp",
  "generation",
  "selfLink"
]);
var SERVER_ANNOTATIONS = /* @__PURE__ */ new Set(["deployment.kubernetes.io/revision"]);
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
function withoutServerFields(object) {
  const copy = structuredClone(object);
  delete copy.status;
  const metadata = copy.metadata;
  if (isObject(metadata)) {
    for (const key of SERVER_METADATA) delete metadata[key];
    if (isObject(metadata.annotations))
      for (const key of SERVER_ANNOTATIONS) delete metadata.annotations[key];
  }
  return copy;
}
function namedList(list) {
  return list.length > 0 && list.every((e) => isObject(e) && typeof e.name === "string");
}
function elementLabel(element, index) {
  return isObject(element) && typeof element.name === "string" ? element.name : String(index);
}
function leaves(value, steps = [], out = /* @__PURE__ */ new Map()) {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, [...steps, { key }], out);
  } else if (Array.isArray(value) && value.some(isObject)) {
    value.forEach(
      (element, index) => leaves(element, [...steps, { index, element, label: elementLabel(element, index) }], out)
    );
  } else {
    out.set(pathText(steps), { steps, value });
  }
  return out;
}
function pathText(steps) {
  let text = "";
  for (const step of steps) {
    if ("key" in step)
      text += /^[A-Za-z_][A-Za-z0-9_]*$/.test(step.key) ? `${text ? "." : ""}${step.key}` : `[${JSON.stringify(step.key)}]`;
    else text += `[${step.label}]`;
  }
  return text;
}
function shortValue(value, max = 300) {
  if (value === void 0) return ABSENT;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}\u2026` : text;
}
function fieldChanges(live, expected) {
  const align = (value, other) => {
    if (Array.isArray(value) && Array.isArray(other) && namedList(value) && namedList(other)) {
      const order = other.map((e) => e.name);
      const rank = (e) => {
        const i = order.indexOf(e.name);
        return i === -1 ? order.length : i;
      };
      return [...value].sort((a, b) => rank(a) - rank(b)).map(
        (e) => align(
          e,
          other.find((o) => o.name === e.name)
        )
      );
    }
    if (isObject(value) && isObject(other))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, align(v, other[k])]));
    return value;
  };
  const want = withoutServerFields(expected);
  const have = align(withoutServerFields(live), want);
  const wanted = leaves(want);
  const had = leaves(have);
  const changes = [];
  for (const [path, leaf] of wanted) {
    const found = had.get(path);
    if (!found || JSON.stringify(found.value) !== JSON.stringify(leaf.value))
      changes.push({ path, steps: leaf.steps, expected: leaf.value, live: found?.value });
  }
  const wantedPaths = [...wanted.keys()];
  const parentOfWanted = (path) => wantedPaths.some((p) => p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
  for (const [path, leaf] of had)
    if (!wanted.has(path) && !parentOfWanted(path))
      changes.push({ path, steps: leaf.steps, expected: void 0, live: leaf.value });
  return changes;
}
function keyMatches(key, element) {
  if (!isObject(element)) return false;
  try {
    const fields = JSON.parse(key.slice(2));
    return Object.entries(fields).every(([k, v]) => JSON.stringify(element[k]) === JSON.stringify(v));
  } catch {
    return false;
  }
}
function ownsPath(fieldsV1, steps) {
  let node = fieldsV1;
  for (const step of steps) {
    if (!isObject(node)) return false;
    let next;
    if ("key" in step) next = node[`f:${step.key}`];
    else {
      const keyed = Object.keys(node).find((k) => k.startsWith("k:") && keyMatches(k, step.element));
      next = keyed ? node[keyed] : node[`i:${step.index}`];
      if (next === void 0) return Object.keys(node).length === 0;
    }
    if (next === void 0) return false;
    node = next;
  }
  return true;
}
function ownersOf(managedFields, steps) {
  return [
    ...new Set(
      managedFields.filter((e) => e.manager && e.manager !== FIELD_MANAGER && ownsPath(e.fieldsV1, steps)).map((e) => e.manager)
    )
  ];
}
function lastOtherWriter(managedFields) {
  const others = managedFields.filter(
    (e) => e.manager && !e.manager.startsWith(FIELD_MANAGER) && e.subresource !== "status"
  );
  const time = (e) => e.time ? new Date(e.time).getTime() : 0;
  return others.sort((a, b) => time(b) - time(a))[0]?.manager;
}
var REPLICA_FIELDS = /* @__PURE__ */ new Set(["spec.replicas", "spec.minReplicas", "spec.maxReplicas"]);
function objectDrift(object, live, expected) {
  const managed = live.metadata?.managedFields ?? [];
  return fieldChanges(live, expected).map((change) => {
    const owners = ownersOf(managed, change.steps);
    const last = owners.length ? void 0 : lastOtherWriter(managed);
    const manager = owners.length ? owners.join(", ") : last ? `${last} (last writer)` : void 0;
    return {
      kind: REPLICA_FIELDS.has(change.path) ? "replicas" : "field",
      object,
      field: change.path,
      expected: shortValue(change.expected),
      live: shortValue(change.live),
      ...manager ? { manager } : {}
    };
  });
}
function overwrittenFields(object, live, planned) {
  const managed = live.metadata?.managedFields ?? [];
  return fieldChanges(live, planned).flatMap((change) => {
    const owners = ownersOf(managed, change.steps);
    if (!owners.length) return [];
    return [
      {
        kind: REPLICA_FIELDS.has(change.path) ? "replicas" : "field",
        object,
        field: change.path,
        expected: shortValue(change.expected),
        live: shortValue(change.live),
        manager: owners.join(", ")
      }
    ];
  });
}
function deletedDrift(object) {
  return { kind: "deleted", object, field: "", expected: "present", live: ABSENT };
}
function replicaRangeDrift(object, replicas, range, managedFields = []) {
  if (replicas === void 0 || replicas >= range.min && replicas <= range.max) return void 0;
  const owners = ownersOf(managedFields, [{ key: "spec" }, { key: "replicas" }]);
  return {
    kind: "replicas",
    object,
    field: "spec.replicas",
    expected: `${range.min}..${range.max}`,
    live: String(replicas),
    ...owners.length ? { manager: owners.join(", ") } : {}
  };
}
function podImageDrift(pods, containers, digest) {
  const findings = [];
  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      if (!status.name || !containers.includes(status.name) || !status.imageID) continue;
      if (imageIdHasDigest(status.imageID, digest)) continue;
      findings.push({
        kind: "image",
        object: `Pod/${pod.metadata?.name ?? ""}`,
        field: `containers[${status.name}].imageID`,
        expected: digest,
        live: status.imageID
      });
    }
  }
  return findings;
}

// src/deploy/apply-diff.ts
function comparable(object) {
  if (!object) return [];
  const copy = structuredClone(object);
  delete copy.status;
  for (const key of SERVER_METADATA) delete copy.metadata?.[key];
  const annotations = copy.metadata?.annotations;
  for (const key of SERVER_ANNOTATIONS) delete annotations?.[key];
  return (0, import_yaml.stringify)(copy, { lineWidth: 0, sortMapEntries: true }).split("\n").filter((line) => line !== "");
}
function diffLines2(before, after, context = 3) {
  const text = (lines) => lines.map((line) => `${line}
`).join("");
  const { hunks } = structuredPatch("live", "planned", text(before), text(after), void 0, void 0, {
    context
  });
  return hunks.flatMap((hunk, i) => [
    ...i > 0 || hunk.oldStart > 1 || hunk.newStart > 1 ? ["  ..."] : [],
    ...hunk.lines.map((line) => `${line[0] === " " ? " " : line[0]} ${line.slice(1)}`)
  ]);
}
async function dryRunDiff(cluster, objects, options) {
  const diffs = [];
  for (const object of objects) {
    const name = displayName(object);
    const live = await cluster.read({
      apiVersion: object.apiVersion ?? "",
      kind: object.kind ?? "",
      metadata: {
        name: object.metadata?.name ?? "",
        ...object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}
      }
    });
    const { planned, conflict } = await plannedObject(cluster, object, options);
    const lines = diffLines2(comparable(live), comparable(planned));
    const changed = lines.some((line) => line.startsWith("+") || line.startsWith("-"));
    const overwrites = live ? overwrittenFields(name, live, planned) : [];
    diffs.push({
      object: name,
      action: live ? changed ? "update" : "unchanged" : "create",
      lines: changed ? lines : [],
      ...overwrites.length ? { overwrites } : {},
      ...conflict ? { conflict } : {}
    });
  }
  return diffs;
}
async function plannedObject(cluster, object, options) {
  const apply = (force) => applyObject(cluster, object, { force, dryRun: true, logger: options.logger });
  try {
    return { planned: await apply(options.force), conflict: false };
  } catch (error) {
    if (options.force || !(error instanceof DeployError) || error.code !== "apply-conflict") throw error;
    return { planned: await apply(true), conflict: true };
  }
}
function overwriteLines(diffs) {
  return diffs.flatMap(
    (d) => (d.overwrites ?? []).map(
      (o) => `${d.conflict ? "!" : "~"} ${d.object} ${o.field}: ${o.live} -> ${o.expected} (owned by ${o.manager}${d.conflict ? "; the apply needs force" : ""})`
    )
  );
}
function diffText(diffs) {
  const overwrites = overwriteLines(diffs);
  const drift = overwrites.length ? [
    "drift this promotion overwrites (fields another field manager owns now):",
    ...overwrites.map((l) => `  ${l}`)
  ].join("\n").concat("\n") : "";
  return drift + diffs.map(
    (d) => d.action === "unchanged" ? `= ${d.object} (unchanged)` : [
      `${d.action === "create" ? "+" : "~"} ${d.object} (${d.action})`,
      ...d.lines.map((l) => `    ${l}`)
    ].join("\n")
  ).join("\n");
}

export {
  applyObject,
  objectDrift,
  deletedDrift,
  replicaRangeDrift,
  podImageDrift,
  comparable,
  diffLines2 as diffLines,
  dryRunDiff,
  overwriteLines,
  diffText
};
