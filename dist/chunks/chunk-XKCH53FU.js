import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  SigningError,
  isObject
} from "./chunk-H4IN4WRU.js";

// src/signing/statement.ts
import { createHash } from "node:crypto";
var STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
var PREDICATE_TYPE = "https://model_signing/signature/v1.0";
var PREDICATE_TYPE_V01 = "https://model_signing/Digests/v0.1";
var V01_SUBJECT_NAME = "compat-undefined-not-present";
var FIX = "sign the model again with model_signing (OpenSSF Model Signing) v1.0 or later";
function parseStatement(payload) {
  let statement;
  try {
    statement = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch (cause) {
    throw notModelSignature("it is not JSON", cause);
  }
  if (!isObject(statement) || statement["_type"] !== STATEMENT_TYPE) {
    const type = isObject(statement) ? statement["_type"] : void 0;
    throw notModelSignature(`its _type is ${JSON.stringify(type)}, not ${STATEMENT_TYPE}`);
  }
  switch (statement["predicateType"]) {
    case PREDICATE_TYPE:
      return parseV10(statement);
    case PREDICATE_TYPE_V01:
      return parseV01(statement);
    default:
      throw notModelSignature(
        `its predicateType is ${JSON.stringify(statement["predicateType"])}, not ${PREDICATE_TYPE}`
      );
  }
}
function parseV10(statement) {
  const subjects = statement["subject"];
  if (!Array.isArray(subjects) || subjects.length !== 1 || !isObject(subjects[0])) {
    throw inconsistent("it must have exactly one subject (the model)");
  }
  const subject = subjects[0];
  const subjectDigest = isObject(subject["digest"]) ? subject["digest"]["sha256"] : void 0;
  if (typeof subject["name"] !== "string" || !isHex(subjectDigest)) {
    throw inconsistent("its subject needs a name and a sha256 digest");
  }
  const predicate = statement["predicate"];
  if (!isObject(predicate) || !Array.isArray(predicate["resources"])) {
    throw inconsistent("its predicate has no resources list");
  }
  const resources = predicate["resources"].map((r, i) => parseResource(r, i));
  const computed = digestOfDigests(resources);
  if (computed !== subjectDigest.toLowerCase()) {
    throw inconsistent(`subject digest is ${subjectDigest} but its resources hash to ${computed}`);
  }
  return {
    subjectName: subject["name"],
    subjectDigest: computed,
    predicateType: PREDICATE_TYPE,
    serialization: parseSerialization(predicate["serialization"]),
    resources
  };
}
function parseV01(statement) {
  const subjects = statement["subject"];
  if (!Array.isArray(subjects) || subjects.length === 0) throw inconsistent("it lists no files");
  const resources = subjects.map((subject, i) => {
    const digest = isObject(subject) && isObject(subject["digest"]) ? subject["digest"]["sha256"] : void 0;
    if (!isObject(subject) || typeof subject["name"] !== "string" || !isHex(digest)) {
      throw inconsistent(`subject[${i}] needs a name and a sha256 digest`);
    }
    const annotated = isObject(subject["annotations"]) ? subject["annotations"]["actual_hash_algorithm"] : void 0;
    if (annotated !== void 0 && annotated !== "file-sha256") {
      throw new SigningError(
        "unsupported-serialization",
        `reading model signature: subject ${subject["name"]} was hashed with ${String(annotated)}, only file-sha256 is supported for v0.1 signatures`,
        FIX
      );
    }
    return { name: subject["name"], algorithm: "sha256", digest: digest.toLowerCase() };
  });
  return {
    subjectName: V01_SUBJECT_NAME,
    subjectDigest: digestOfDigests(resources),
    predicateType: PREDICATE_TYPE_V01,
    serialization: { method: "files", hashType: "sha256", allowSymlinks: false, ignorePaths: [] },
    resources
  };
}
function parseResource(resource, index) {
  if (!isObject(resource) || typeof resource["name"] !== "string" || typeof resource["algorithm"] !== "string" || !isHex(resource["digest"])) {
    throw inconsistent(`resources[${index}] needs a name, an algorithm and a hex digest`);
  }
  return {
    name: resource["name"],
    algorithm: resource["algorithm"],
    digest: resource["digest"].toLowerCase()
  };
}
function parseSerialization(value) {
  if (!isObject(value)) throw inconsistent("its predicate has no serialization");
  const { method, hash_type: hashType, shard_size: shardSize, allow_symlinks: allowSymlinks } = value;
  const ignorePaths = value["ignore_paths"] ?? [];
  if (method !== "files" && method !== "shards") {
    throw new SigningError(
      "unsupported-serialization",
      `reading model signature: serialization method ${JSON.stringify(method)} is not supported (files, shards)`,
      FIX
    );
  }
  if (typeof hashType !== "string" || typeof allowSymlinks !== "boolean") {
    throw inconsistent("its serialization needs hash_type and allow_symlinks");
  }
  if (!Array.isArray(ignorePaths) || !ignorePaths.every((p) => typeof p === "string")) {
    throw inconsistent("its serialization.ignore_paths is not a list of paths");
  }
  const serialization = { method, hashType, allowSymlinks, ignorePaths };
  if (method === "shards") {
    if (typeof shardSize !== "number" || !Number.isSafeInteger(shardSize) || shardSize <= 0) {
      throw inconsistent("its shards serialization needs a positive whole shard_size");
    }
    serialization.shardSize = shardSize;
  }
  return serialization;
}
function digestOfDigests(resources) {
  const hash = createHash("sha256");
  for (const resource of resources) hash.update(Buffer.from(resource.digest, "hex"));
  return hash.digest("hex");
}
function isHex(value) {
  return typeof value === "string" && value.length > 0 && value.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(value);
}
function notModelSignature(what, cause) {
  return new SigningError(
    "not-a-model-signature",
    `reading signed statement: ${what}; this is not an OpenSSF model signature`,
    `pass the model.sig written by model_signing for this model, not another attestation`,
    cause === void 0 ? {} : { cause }
  );
}
function inconsistent(what) {
  return new SigningError("statement-inconsistent", `reading model signature statement: ${what}`, FIX);
}

export {
  STATEMENT_TYPE,
  PREDICATE_TYPE_V01,
  parseStatement
};
