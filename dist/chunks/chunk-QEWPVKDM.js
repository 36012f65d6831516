import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  stableJson,
  uploadBlob
} from "./chunk-CPYVGYKC.js";
import {
  parseIndex
} from "./chunk-2BDLSEHF.js";
import {
  MAX_MANIFEST_BYTES,
  repositoryScope
} from "./chunk-5ZVCNGR2.js";
import {
  MediaType,
  digestHex,
  sha256Digest
} from "./chunk-BPKCH6W6.js";
import {
  OciRegistryError
} from "./chunk-36Q42R3Y.js";

// src/oci/remote/referrers.ts
var EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";
var EMPTY_DESCRIPTOR = {
  mediaType: EMPTY_MEDIA_TYPE,
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2
};
var EMPTY_BYTES = Buffer.from("{}");
var SIGSTORE_BUNDLE_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
var PROMOTION_RECORD_TYPE = "application/vnd.model-promote.record.v1+json";
function referrersTag(subjectDigest) {
  return `sha256-${digestHex(subjectDigest)}`;
}
function referrerManifest(subject, artifact) {
  const blob = {
    mediaType: artifact.mediaType,
    digest: sha256Digest(artifact.bytes),
    size: artifact.bytes.byteLength
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: artifact.artifactType,
    config: EMPTY_DESCRIPTOR,
    layers: [blob],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    ...artifact.annotations && Object.keys(artifact.annotations).length > 0 ? { annotations: artifact.annotations } : {}
  };
  return { manifest, bytes: stableJson(manifest), blob };
}
function referrerDescriptor(manifest, digest, size) {
  return {
    mediaType: MediaType.ImageManifest,
    digest,
    size,
    ...manifest.artifactType ? { artifactType: manifest.artifactType } : {},
    ...manifest.annotations ? { annotations: manifest.annotations } : {}
  };
}
function withReferrer(index, entry) {
  const manifests = index?.manifests ?? [];
  if (manifests.some((d) => d.digest === entry.digest)) {
    return index ?? { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests };
  }
  return { ...index, schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [...manifests, entry] };
}
async function attachReferrer(client, repository, subject, artifact) {
  const { manifest, bytes, blob } = referrerManifest(subject, artifact);
  const name = `${client.registry}/${repository}`;
  await pushSmallBlob(client, repository, EMPTY_DESCRIPTOR.digest, EMPTY_BYTES);
  await pushSmallBlob(client, repository, blob.digest, artifact.bytes);
  const { digest, subject: listedBy } = await client.putManifest(
    repository,
    sha256Digest(bytes),
    bytes,
    MediaType.ImageManifest,
    `referrer (${artifact.artifactType}) of ${subject.digest} as`
  );
  const entry = referrerDescriptor(manifest, digest, bytes.byteLength);
  if (listedBy === subject.digest) {
    client.logger.debug(`${name} lists referrers itself (OCI-Subject on the manifest PUT)`);
    return { ...entry, artifactType: artifact.artifactType, mode: "api" };
  }
  await serialized(
    `${name}@${subject.digest}`,
    () => addToTagIndex(client, repository, subject.digest, entry)
  );
  client.logger.info(
    `attached ${artifact.artifactType} ${digest} to ${name}@${subject.digest} (tag ${referrersTag(subject.digest)})`
  );
  return { ...entry, artifactType: artifact.artifactType, mode: "tag" };
}
async function listReferrers(client, repository, subjectDigest, artifactType) {
  const name = `${client.registry}/${repository}@${subjectDigest}`;
  const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : "";
  const response = await client.send({
    method: "GET",
    url: `/v2/${repository}/referrers/${subjectDigest}${query}`,
    headers: { accept: MediaType.ImageIndex },
    scopes: [repositoryScope(repository, false)],
    what: `listing referrers of ${name}`,
    expect: [200, 404]
  });
  let index;
  if (response.status === 200) {
    const bytes = await response.bytes(MAX_MANIFEST_BYTES);
    index = parseIndex(bytes, `referrers of ${name}`);
  } else {
    await response.discard();
    index = await readTagIndex(client, repository, subjectDigest);
  }
  const all = index?.manifests ?? [];
  return artifactType ? all.filter((d) => d.artifactType === artifactType) : [...all];
}
var tagIndexQueue = /* @__PURE__ */ new Map();
async function serialized(key, work) {
  const previous = tagIndexQueue.get(key) ?? Promise.resolve();
  const current = previous.then(work, work);
  const settled = current.then(
    () => void 0,
    () => void 0
  );
  tagIndexQueue.set(key, settled);
  try {
    return await current;
  } finally {
    if (tagIndexQueue.get(key) === settled) tagIndexQueue.delete(key);
  }
}
var TAG_INDEX_TRIES = 4;
async function addToTagIndex(client, repository, subjectDigest, entry) {
  const tag = referrersTag(subjectDigest);
  for (let attempt = 1; attempt <= TAG_INDEX_TRIES; attempt++) {
    const current = await readTagIndex(client, repository, subjectDigest);
    const updated = withReferrer(current, entry);
    if (updated !== current) {
      await client.putManifest(repository, tag, stableJson(updated), MediaType.ImageIndex);
    }
    const after = await readTagIndex(client, repository, subjectDigest);
    if (after?.manifests.some((d) => d.digest === entry.digest)) return;
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
  throw new OciRegistryError(
    "failed",
    "registry-error",
    `adding referrer ${entry.digest} to ${client.registry}/${repository}:${tag}: another writer kept replacing the list`,
    "attach again when the other promotions of this image have finished"
  );
}
async function readTagIndex(client, repository, subjectDigest) {
  const tag = referrersTag(subjectDigest);
  const name = `${client.registry}/${repository}:${tag}`;
  let fetched;
  try {
    fetched = await client.getManifest(repository, tag);
  } catch (error) {
    if (error instanceof OciRegistryError && error.code === "manifest-unknown") return void 0;
    throw error;
  }
  if (fetched.mediaType !== MediaType.ImageIndex) {
    throw new OciRegistryError(
      "failed",
      "registry-response-invalid",
      `${name} should hold the referrers index of ${subjectDigest} but is a ${fetched.mediaType}`,
      `the tag ${tag} is reserved for referrers (OCI distribution spec): delete or rename what is there`
    );
  }
  return parseIndex(fetched.bytes, `referrers index ${name}`);
}
async function pushSmallBlob(client, repository, digest, bytes) {
  if (await client.headBlob(repository, digest, true) !== void 0) return;
  await uploadBlob(client, repository, { digest, size: bytes.byteLength }, async function* () {
    yield bytes;
  });
}

export {
  SIGSTORE_BUNDLE_TYPE,
  PROMOTION_RECORD_TYPE,
  attachReferrer,
  listReferrers
};
