/**
 * OCI 1.1 referrers: small artifacts (a signature bundle, a promotion record) attached to an image
 * by `subject`. Each artifact is an image manifest with an `artifactType`, the empty config and its
 * bytes as the one layer; the same artifact always gives the same manifest bytes, so attaching it
 * twice changes nothing.
 *
 * Where the registry has the referrers API (it answers the manifest PUT with `OCI-Subject`) it keeps
 * the list itself. Where it has not (docker-registry 2.8), the list lives under the tag schema
 * fallback: the tag `sha256-<hex>` of the subject holds an index of its referrers, updated
 * read-modify-write (one at a time per subject in this process) and read back to check that another
 * writer did not drop our entry.
 */
import { digestHex, sha256Digest } from '../digest.js';
import { stableJson } from '../json.js';
import { MediaType } from '../media-types.js';
import type { Descriptor, ImageIndex, ImageManifest } from '../types.js';
import { parseIndex } from '../types.js';
import { repositoryScope } from './challenge.js';
import type { RegistryClient } from './client.js';
import { MAX_MANIFEST_BYTES } from './client.js';
import { OciRegistryError } from './remote-error.js';
import { uploadBlob } from './upload.js';

export const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
/** The empty config (`{}`), as the image spec defines it. */
export const EMPTY_DESCRIPTOR: Descriptor = {
  mediaType: EMPTY_MEDIA_TYPE,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
};
const EMPTY_BYTES = Buffer.from('{}');

/** artifactType of an OMS (Sigstore) signature bundle. */
export const SIGSTORE_BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** artifactType (and blob media type) of a model-promote promotion record. */
export const PROMOTION_RECORD_TYPE = 'application/vnd.model-promote.record.v1+json';

export interface ReferrerArtifact {
  /** The manifest's `artifactType`, e.g. SIGSTORE_BUNDLE_TYPE. */
  readonly artifactType: string;
  /** Media type of the blob (the one layer). */
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  /** On the artifact manifest (and copied into the referrers list). Keep them stable for idempotence. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** How the list of referrers is kept: by the registry (`api`) or under the `sha256-<hex>` tag (`tag`). */
export type ReferrersMode = 'api' | 'tag';

export interface AttachedReferrer extends Descriptor {
  readonly artifactType: string;
  readonly mode: ReferrersMode;
}

/** The tag of the referrers tag schema for a subject: `sha256:ab..` -> `sha256-ab..`. */
export function referrersTag(subjectDigest: string): string {
  return `sha256-${digestHex(subjectDigest)}`;
}

/** The artifact manifest for `artifact` on `subject` (pure); the same inputs give the same bytes. */
export function referrerManifest(
  subject: Descriptor,
  artifact: ReferrerArtifact,
): {
  manifest: ImageManifest & { artifactType: string; subject: Descriptor };
  bytes: Uint8Array;
  blob: Descriptor;
} {
  const blob: Descriptor = {
    mediaType: artifact.mediaType,
    digest: sha256Digest(artifact.bytes),
    size: artifact.bytes.byteLength,
  };
  const manifest = {
    schemaVersion: 2 as const,
    mediaType: MediaType.ImageManifest,
    artifactType: artifact.artifactType,
    config: EMPTY_DESCRIPTOR,
    layers: [blob],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    ...(artifact.annotations && Object.keys(artifact.annotations).length > 0
      ? { annotations: artifact.annotations }
      : {}),
  };
  return { manifest, bytes: stableJson(manifest), blob };
}

/** The entry for a referrer in a referrers list: its descriptor, artifactType and annotations. */
export function referrerDescriptor(
  manifest: { readonly artifactType?: string; readonly annotations?: Readonly<Record<string, string>> },
  digest: string,
  size: number,
): Descriptor {
  return {
    mediaType: MediaType.ImageManifest,
    digest,
    size,
    ...(manifest.artifactType ? { artifactType: manifest.artifactType } : {}),
    ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
  };
}

/** Adds `entry` to a referrers index unless its digest is there (pure). */
export function withReferrer(index: ImageIndex | undefined, entry: Descriptor): ImageIndex {
  const manifests = index?.manifests ?? [];
  if (manifests.some((d) => d.digest === entry.digest)) {
    return index ?? { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests };
  }
  return { ...index, schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [...manifests, entry] };
}

/**
 * Pushes `artifact` as a referrer of `subject` in `repository` and returns the artifact manifest's
 * descriptor. Idempotent: the same artifact is one manifest, listed once.
 */
export async function attachReferrer(
  client: RegistryClient,
  repository: string,
  subject: Descriptor,
  artifact: ReferrerArtifact,
): Promise<AttachedReferrer> {
  const { manifest, bytes, blob } = referrerManifest(subject, artifact);
  const name = `${client.registry}/${repository}`;
  await pushSmallBlob(client, repository, EMPTY_DESCRIPTOR.digest, EMPTY_BYTES);
  await pushSmallBlob(client, repository, blob.digest, artifact.bytes);

  const { digest, subject: listedBy } = await client.putManifest(
    repository,
    sha256Digest(bytes),
    bytes,
    MediaType.ImageManifest,
    `referrer (${artifact.artifactType}) of ${subject.digest} as`,
  );
  const entry = referrerDescriptor(manifest, digest, bytes.byteLength);
  // The spec: a registry that keeps the list itself says so with OCI-Subject on this response.
  if (listedBy === subject.digest) {
    client.logger.debug(`${name} lists referrers itself (OCI-Subject on the manifest PUT)`);
    return { ...entry, artifactType: artifact.artifactType, mode: 'api' };
  }
  await serialized(`${name}@${subject.digest}`, () =>
    addToTagIndex(client, repository, subject.digest, entry),
  );
  client.logger.info(
    `attached ${artifact.artifactType} ${digest} to ${name}@${subject.digest} (tag ${referrersTag(subject.digest)})`,
  );
  return { ...entry, artifactType: artifact.artifactType, mode: 'tag' };
}

/**
 * The referrers of `subjectDigest`: from the referrers API when the registry has it (200), else from
 * the `sha256-<hex>` tag (404 on the API, as the spec says). Filtered by `artifactType` when given.
 */
export async function listReferrers(
  client: RegistryClient,
  repository: string,
  subjectDigest: string,
  artifactType?: string,
): Promise<Descriptor[]> {
  const name = `${client.registry}/${repository}@${subjectDigest}`;
  const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
  const response = await client.send({
    method: 'GET',
    url: `/v2/${repository}/referrers/${subjectDigest}${query}`,
    headers: { accept: MediaType.ImageIndex },
    scopes: [repositoryScope(repository, false)],
    what: `listing referrers of ${name}`,
    expect: [200, 404],
  });
  let index: ImageIndex | undefined;
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

/**
 * The tag index has no conditional PUT on most registries (docker-registry 2.8 ignores If-Match), so
 * updates of one subject's list from this process run one at a time; across processes the read-back
 * in addToTagIndex catches most lost updates, as far as the tag schema allows.
 */
const tagIndexQueue = new Map<string, Promise<unknown>>();

async function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tagIndexQueue.get(key) ?? Promise.resolve();
  const current = previous.then(work, work);
  const settled = current.then(
    () => undefined,
    () => undefined,
  );
  tagIndexQueue.set(key, settled);
  try {
    return await current;
  } finally {
    if (tagIndexQueue.get(key) === settled) tagIndexQueue.delete(key);
  }
}

/** Tries of the read-modify-write of the tag index before giving up on a busy list. */
const TAG_INDEX_TRIES = 4;

async function addToTagIndex(
  client: RegistryClient,
  repository: string,
  subjectDigest: string,
  entry: Descriptor,
): Promise<void> {
  const tag = referrersTag(subjectDigest);
  for (let attempt = 1; attempt <= TAG_INDEX_TRIES; attempt++) {
    const current = await readTagIndex(client, repository, subjectDigest);
    const updated = withReferrer(current, entry);
    if (updated !== current) {
      await client.putManifest(repository, tag, stableJson(updated), MediaType.ImageIndex);
    }
    // Another writer may have replaced the index between our read and write: read it back.
    const after = await readTagIndex(client, repository, subjectDigest);
    if (after?.manifests.some((d) => d.digest === entry.digest)) return;
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
  throw new OciRegistryError(
    'failed',
    'registry-error',
    `adding referrer ${entry.digest} to ${client.registry}/${repository}:${tag}: another writer kept replacing the list`,
    'attach again when the other promotions of this image have finished',
  );
}

async function readTagIndex(
  client: RegistryClient,
  repository: string,
  subjectDigest: string,
): Promise<ImageIndex | undefined> {
  const tag = referrersTag(subjectDigest);
  const name = `${client.registry}/${repository}:${tag}`;
  let fetched;
  try {
    fetched = await client.getManifest(repository, tag);
  } catch (error) {
    if (error instanceof OciRegistryError && error.code === 'manifest-unknown') return undefined;
    throw error;
  }
  if (fetched.mediaType !== MediaType.ImageIndex) {
    throw new OciRegistryError(
      'failed',
      'registry-response-invalid',
      `${name} should hold the referrers index of ${subjectDigest} but is a ${fetched.mediaType}`,
      `the tag ${tag} is reserved for referrers (OCI distribution spec): delete or rename what is there`,
    );
  }
  return parseIndex(fetched.bytes, `referrers index ${name}`);
}

async function pushSmallBlob(
  client: RegistryClient,
  repository: string,
  digest: string,
  bytes: Uint8Array,
): Promise<void> {
  if ((await client.headBlob(repository, digest, true)) !== undefined) return;
  await uploadBlob(client, repository, { digest, size: bytes.byteLength }, async function* () {
    yield bytes;
  });
}
