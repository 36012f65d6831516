import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  createStatementSigner
} from "./chunk-OO2DKS6N.js";
import "./chunk-JYAUU2OO.js";
import "./chunk-L6YJBKPG.js";
import {
  DEFAULT_IGNORE_PATHS,
  buildStatement,
  digestModel
} from "./chunk-K6FNU6RV.js";
import "./chunk-H4IN4WRU.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-CZEGYLQK.js";
import {
  UsageError
} from "./chunk-237YPWJV.js";
import "./chunk-6DG7BXTN.js";

// src/signing/sign-model.ts
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
async function signModel(directory, options) {
  const signaturePath = options.signaturePath ?? path.join(directory, "model.sig");
  const insideModel = path.relative(directory, signaturePath);
  const serialization = {
    method: "files",
    hashType: "sha256",
    allowSymlinks: false,
    ignorePaths: [
      ...DEFAULT_IGNORE_PATHS,
      ...insideModel.startsWith("..") || path.isAbsolute(insideModel) ? [] : [insideModel.split(path.sep).join("/")],
      ...options.ignorePaths ?? []
    ]
  };
  const privateKey = await readInput(options.privateKeyPath, "private key", "--private-key");
  let certificates;
  if (options.signingCertificatePath !== void 0) {
    certificates = {
      leaf: await readInput(options.signingCertificatePath, "signing certificate", "--signing-certificate"),
      chain: await Promise.all(
        (options.certificateChainPaths ?? []).map(
          (file) => readInput(file, "certificate chain file", "--certificate-chain")
        )
      )
    };
  } else if ((options.certificateChainPaths ?? []).length > 0) {
    throw new UsageError(
      "a certificate chain was given without a signing certificate",
      "add --signing-certificate (the certificate of --private-key), or drop --certificate-chain to sign with the key alone"
    );
  }
  const sign = createStatementSigner(privateKey, certificates);
  const resources = await digestModel(directory, serialization, {
    signatureName: path.basename(signaturePath)
  });
  const statement = buildStatement(path.basename(path.resolve(directory)), serialization, resources);
  const bundle = sign(statement);
  await writeFile(signaturePath, JSON.stringify(bundle));
  const subject = JSON.parse(Buffer.from(statement).toString("utf8"));
  return { signaturePath, files: resources.length, digest: `sha256:${subject.subject[0].digest.sha256}` };
}
async function readInput(file, what, flag) {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`${what} ${file} cannot be read: ${error.message}`, `fix ${flag}`);
  }
}
export {
  signModel
};
