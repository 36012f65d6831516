import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  fileLayer,
  tarPrefix,
  writeTarLayer
} from "./chunk-72BHJSEV.js";
import {
  MODELPACK_CONFIG_TYPE,
  RegistryError,
  SIGNATURE_FILE,
  buildConfig,
  buildManifest,
  expectedDigests
} from "./chunk-LNRYJ34N.js";
import {
  SIGSTORE_BUNDLE_TYPE,
  attachReferrer
} from "./chunk-QEWPVKDM.js";
import {
  listModelFiles
} from "./chunk-K6FNU6RV.js";
import "./chunk-XKCH53FU.js";
import "./chunk-H4IN4WRU.js";
import "./chunk-7UPFIEIQ.js";
import {
  RegistrySink
} from "./chunk-WSVYLQDT.js";
import "./chunk-R2UCZZQQ.js";
import "./chunk-P4GOECZY.js";
import {
  stableJson
} from "./chunk-CPYVGYKC.js";
import "./chunk-2BDLSEHF.js";
import "./chunk-5ZVCNGR2.js";
import "./chunk-WPYXZ6I6.js";
import {
  MediaType,
  sha256Digest
} from "./chunk-BPKCH6W6.js";
import "./chunk-6U5D3XBS.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-VUSZPZLG.js";
import "./chunk-CZEGYLQK.js";
import "./chunk-TDPV7D6W.js";
import "./chunk-IIQ7BM2O.js";
import "./chunk-NE5QDH7Y.js";
import "./chunk-VHMCSZIG.js";
import "./chunk-36Q42R3Y.js";
import "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";

// src/registry/publish-model.ts
import { readFile } from "node:fs/promises";
import path from "node:path";
var DEFAULT_MODEL_PATH = "/models";
async function publishModel(options) {
  const { client, repository, logger } = options;
  const name = `${client.registry}/${repository}`;
  const signaturePath = options.signaturePath ?? path.join(options.directory, SIGNATURE_FILE);
  const signature = await readFile(signaturePath).catch((error) => {
    throw new RegistryError(
      "usage",
      "signature-missing",
      `${options.model} version ${options.version} has no signature: ${signaturePath} cannot be read (${error.code ?? String(error)})`,
      `sign the model first (model-promote sign ${options.directory} --private-key KEY)`
    );
  });
  const files = await listModelFiles(
    options.directory,
    { allowSymlinks: false, ignorePaths: [] },
    { signatureName: path.relative(options.directory, signaturePath) || SIGNATURE_FILE }
  );
  warnIfUnsigned(files, expectedDigests(signature), logger);
  const sourceDateEpoch = options.sourceDateEpoch ?? 0;
  const modelPath = options.modelPath ?? DEFAULT_MODEL_PATH;
  const prefix = tarPrefix(modelPath);
  const sink = new RegistrySink(client, repository, { logger });
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const layers = await Promise.all(
    sorted.map(async (file) => {
      const descriptor = await writeTarLayer(
        fileLayer(file, modelPath),
        { directory: options.directory, sourceDateEpoch },
        sink
      );
      return {
        path: file.path,
        size: file.size,
        digest: descriptor.digest,
        layerSize: descriptor.size,
        sourceDateEpoch,
        prefix
      };
    })
  );
  const configBytes = stableJson(buildConfig(options.model, options.version, layers, options.format));
  const config = await sink.writeBlob(
    { mediaType: MODELPACK_CONFIG_TYPE, digest: sha256Digest(configBytes), size: configBytes.byteLength },
    async function* () {
      yield configBytes;
    }
  );
  const manifest = buildManifest({ config, layers, version: options.version, labels: options.labels ?? {} });
  const manifestBytes = stableJson(manifest);
  const subject = await sink.writeManifest(manifestBytes, MediaType.ImageManifest, []);
  const attached = await attachReferrer(client, repository, subject, {
    artifactType: SIGSTORE_BUNDLE_TYPE,
    mediaType: SIGSTORE_BUNDLE_TYPE,
    bytes: signature
  });
  const tags = [options.version, ...(options.aliases ?? []).filter((a) => a !== options.version)];
  for (const tag of tags) await client.putManifest(repository, tag, manifestBytes, MediaType.ImageManifest);
  logger.info(
    `published ${options.model} v${options.version} to ${name}@${subject.digest} (tags ${tags.join(", ")})`
  );
  return {
    reference: `${name}@${subject.digest}`,
    digest: subject.digest,
    tags,
    files: files.length,
    bytes: files.reduce((sum, f) => sum + f.size, 0),
    signature: attached.digest,
    stats: sink.stats
  };
}
function warnIfUnsigned(files, expected, logger) {
  if (expected.size === 0) return;
  const listed = new Set(files.map((f) => f.path));
  const unsigned = [...listed].filter((p) => !expected.has(p));
  const absent = [...expected.keys()].filter((p) => !listed.has(p));
  if (unsigned.length || absent.length) {
    logger.warn(
      `the signature does not match the folder (not signed: ${unsigned.join(", ") || "none"}; signed but absent: ${absent.join(", ") || "none"}): promotions of this version will be refused`
    );
  }
}
export {
  DEFAULT_MODEL_PATH,
  publishModel
};
