import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  parseIndex
} from "./chunk-2BDLSEHF.js";
import {
  blobPath,
  sha256Digest
} from "./chunk-BPKCH6W6.js";
import {
  OciError
} from "./chunk-NE5QDH7Y.js";

// src/oci/platform.ts
function parsePlatform(text) {
  const parts = text.split("/");
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || parts.length === 3 && !variant) {
    throw new OciError(
      "usage",
      "platform-invalid",
      `platform ${JSON.stringify(text)} is not OS/ARCH[/VARIANT]`,
      "write it like linux/amd64 or linux/arm64/v8"
    );
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}
function formatPlatform(platform) {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}
function variantOf(p) {
  if (p.variant) return p.variant;
  return p.architecture === "arm64" ? "v8" : void 0;
}
function platformMatches(wanted, candidate) {
  if (wanted.os !== candidate.os || wanted.architecture !== candidate.architecture) return false;
  const want = variantOf(wanted);
  return wanted.variant === void 0 || want === variantOf(candidate);
}

// src/oci/layout.ts
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
var LAYOUT_VERSION = "1.0.0";
var MAX_JSON_BLOB = 8 * 1024 * 1024;
function isNotFound(error) {
  return error?.code === "ENOENT";
}
async function readLayoutFile(root) {
  let text;
  try {
    text = await readFile(join(root, "oci-layout"), "utf8");
  } catch (error) {
    if (isNotFound(error)) return void 0;
    throw error;
  }
  let file;
  try {
    file = JSON.parse(text);
  } catch {
    throw new OciError("failed", "layout-invalid", `${join(root, "oci-layout")} is not JSON`);
  }
  if (typeof file.imageLayoutVersion !== "string" || !file.imageLayoutVersion.startsWith("1.")) {
    throw new OciError(
      "failed",
      "layout-invalid",
      `${root} has image layout version ${JSON.stringify(file.imageLayoutVersion)}, expected 1.x`
    );
  }
  return file;
}
var OciLayout = class _OciLayout {
  constructor(root, index) {
    this.root = root;
    this.index = index;
  }
  root;
  index;
  static async open(root) {
    const layoutFile = await readLayoutFile(root);
    if (!layoutFile) {
      throw new OciError(
        "usage",
        "layout-missing",
        `${root} is not an OCI image layout (no oci-layout file)`,
        "point at a folder written by `umoci init`, `skopeo copy ... oci:DIR` or model-promote"
      );
    }
    let bytes;
    try {
      bytes = await readFile(join(root, "index.json"));
    } catch (error) {
      throw new OciError("failed", "layout-invalid", `${root} has no readable index.json`, void 0, {
        cause: error
      });
    }
    return new _OciLayout(root, parseIndex(bytes, `${join(root, "index.json")}`));
  }
  async hasBlob(digest) {
    try {
      return (await stat(blobPath(this.root, digest))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
  /** A small blob (manifest, index, config), checked against its descriptor's size and digest. */
  async readBlob(descriptor, maxSize = MAX_JSON_BLOB) {
    if (descriptor.size > maxSize) {
      throw new OciError(
        "failed",
        "blob-too-large",
        `blob ${descriptor.digest} in ${this.root} is ${descriptor.size} bytes, more than ${maxSize} for a ${descriptor.mediaType}`
      );
    }
    let bytes;
    try {
      bytes = await readFile(blobPath(this.root, descriptor.digest));
    } catch (error) {
      if (isNotFound(error)) throw this.missing(descriptor.digest);
      throw error;
    }
    const actual = sha256Digest(bytes);
    if (bytes.byteLength !== descriptor.size || actual !== descriptor.digest) {
      throw new OciError(
        "failed",
        "blob-digest-mismatch",
        `blob ${descriptor.digest} in ${this.root} has digest ${actual} and ${bytes.byteLength} bytes (descriptor says ${descriptor.size})`,
        "the layout is corrupt: write it again"
      );
    }
    return bytes;
  }
  /** Streams a blob of any size; whoever stores it checks the digest. */
  async *openBlob(digest) {
    const path = blobPath(this.root, digest);
    try {
      yield* createReadStream(path, { highWaterMark: 4 * 1024 * 1024 });
    } catch (error) {
      if (isNotFound(error)) throw this.missing(digest);
      throw error;
    }
  }
  missing(digest) {
    return new OciError("failed", "blob-missing", `blob ${digest} is missing from ${this.root}`);
  }
};

export {
  LAYOUT_VERSION,
  readLayoutFile,
  OciLayout,
  parsePlatform,
  formatPlatform,
  platformMatches
};
