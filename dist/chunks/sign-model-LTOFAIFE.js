import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  checkLeafUsage,
  checkValidity,
  distinguishedName,
  ecdsaHashFor,
  publicKeyHint
} from "./chunk-YKC5RJHD.js";
import {
  DEFAULT_IGNORE_PATHS,
  buildStatement,
  digestModel
} from "./chunk-PLMZIELF.js";
import {
  IN_TOTO_PAYLOAD_TYPE,
  SigningError,
  pae
} from "./chunk-LIF43B6R.js";
import "./chunk-EXPRFBUG.js";
import "./chunk-CZEGYLQK.js";
import {
  UsageError
} from "./chunk-237YPWJV.js";
import "./chunk-HANBNIMK.js";

// src/signing/sign-model.ts
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

// src/signing/sign-statement.ts
import { createPrivateKey, createPublicKey, sign, X509Certificate } from "node:crypto";
var BUNDLE_MEDIA_TYPE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
function createStatementSigner(privateKeyPem, certificates, now = /* @__PURE__ */ new Date()) {
  const privateKey = readPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const hash = ecdsaHashFor(publicKey, "signing the model statement");
  const verificationMaterial = certificates ? {
    x509CertificateChain: { certificates: certificateChain(certificates, privateKey, now) },
    tlogEntries: []
  } : { publicKey: { hint: publicKeyHint(publicKey) }, tlogEntries: [] };
  return (statementJson) => {
    const payload = Buffer.from(statementJson);
    const signature = sign(hash, pae(IN_TOTO_PAYLOAD_TYPE, payload), privateKey);
    return {
      mediaType: BUNDLE_MEDIA_TYPE_V03,
      verificationMaterial,
      dsseEnvelope: {
        payload: payload.toString("base64"),
        payloadType: IN_TOTO_PAYLOAD_TYPE,
        signatures: [{ sig: signature.toString("base64"), keyid: "" }]
      }
    };
  };
}
function certificateChain(certificates, privateKey, now) {
  const [leaf, ...extra] = readCertificates(certificates.leaf, "the signing certificate");
  if (leaf === void 0 || extra.length > 0) {
    throw invalidCertificate(
      `the signing certificate file holds ${extra.length + (leaf ? 1 : 0)} certificates, not one`,
      "give the certificate of the private key alone as --signing-certificate, and its issuers as --certificate-chain"
    );
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw invalidCertificate(
      `the private key is not the key of signing certificate ${distinguishedName(leaf.subject)}`,
      "give the private key that the signing certificate was issued for"
    );
  }
  try {
    checkLeafUsage(leaf);
    checkValidity(leaf, now);
  } catch (error) {
    if (!(error instanceof SigningError)) throw error;
    const message = error.message.replace(/^verifying (signing )?certificate/, "signing with certificate");
    throw new SigningError(
      "invalid-signing-certificate",
      message,
      error.hint ?? "fix the signing certificate",
      {
        cause: error
      }
    );
  }
  const chain = certificates.chain.flatMap(
    (pem, i) => readCertificates(pem, `certificate chain file ${i + 1}`)
  );
  return [leaf, ...chain].map((certificate) => ({ rawBytes: certificate.raw.toString("base64") }));
}
var PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
function readCertificates(pem, what) {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0)
    throw invalidCertificate(`${what} holds no PEM certificate`, "give PEM certificates (BEGIN CERTIFICATE)");
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (cause) {
      throw invalidCertificate(
        `${what}: certificate ${i + 1} cannot be read`,
        "give PEM certificates",
        cause
      );
    }
  });
}
function invalidCertificate(message, hint, cause) {
  return new SigningError("invalid-signing-certificate", `signing the model statement: ${message}`, hint, {
    cause
  });
}
function readPrivateKey(pem) {
  try {
    return createPrivateKey(pem);
  } catch (cause) {
    throw new SigningError(
      "invalid-private-key",
      "signing the model statement: the private key is not a PEM private key (or it is encrypted)",
      "give an unencrypted PEM EC private key on P-256, P-384 or P-521",
      { cause }
    );
  }
}

// src/signing/sign-model.ts
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
  const sign2 = createStatementSigner(privateKey, certificates);
  const resources = await digestModel(directory, serialization, {
    signatureName: path.basename(signaturePath)
  });
  const statement = buildStatement(path.basename(path.resolve(directory)), serialization, resources);
  const bundle = sign2(statement);
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
