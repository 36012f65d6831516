/**
 * Small reads from an OCI registry that the model registry needs and the image client does not:
 * the tag list (paginated), small blobs into memory (configs, signatures, history entries), and
 * which tags point at a manifest.
 */
import { repositoryScope } from '../oci/remote/challenge.js';
import type { RegistryClient } from '../oci/remote/client.js';
import { OciRegistryError } from '../oci/remote/remote-error.js';
import { Limiter } from '../limiter.js';

/** No config, signature bundle or history entry is larger than this. */
export const MAX_SMALL_BLOB = 4 * 1024 * 1024;
const MAX_TAG_PAGES = 100;

/** Every tag of the repository, or undefined when the registry does not know the repository. */
export async function listTags(client: RegistryClient, repository: string): Promise<string[] | undefined> {
  const tags: string[] = [];
  let url: string | URL = `/v2/${repository}/tags/list?n=1000`;
  for (let page = 0; page < MAX_TAG_PAGES; page++) {
    const response = await client.send({
      method: 'GET',
      url,
      scopes: [repositoryScope(repository, false)],
      what: `listing the tags of ${client.registry}/${repository}`,
      expect: [200, 404],
    });
    if (response.status === 404) {
      await response.discard();
      return page === 0 ? undefined : tags;
    }
    const body = JSON.parse((await response.bytes(MAX_SMALL_BLOB)).toString('utf8')) as { tags?: unknown };
    if (Array.isArray(body.tags)) tags.push(...body.tags.filter((t): t is string => typeof t === 'string'));
    const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.header('link') ?? '')?.[1];
    if (!next) break;
    url = new URL(next, response.url);
  }
  return tags;
}

/** Tags of the tag-schema referrers fallback (`sha256-<hex>`) are lists, not versions. */
export function isReferrersTag(tag: string): boolean {
  return /^sha256-[a-f0-9]{64}$/.test(tag);
}

/** The tags (among `tags`) whose manifest is `digest`. */
export async function tagsOf(
  client: RegistryClient,
  repository: string,
  tags: readonly string[],
  digest: string,
): Promise<string[]> {
  const limit = new Limiter(8);
  const found = await Promise.all(
    tags.map((tag) =>
      limit.run(async () =>
        (await client.headManifest(repository, tag))?.digest === digest ? tag : undefined,
      ),
    ),
  );
  return found.filter((tag): tag is string => tag !== undefined);
}

/** The distinct manifest digests the tags point at, with one tag naming each. */
export async function digestsOfTags(
  client: RegistryClient,
  repository: string,
  tags: readonly string[],
): Promise<Map<string, { tag: string; mediaType: string; size: number }>> {
  const limit = new Limiter(8);
  const heads = await Promise.all(
    tags.map((tag) => limit.run(async () => ({ tag, head: await client.headManifest(repository, tag) }))),
  );
  const digests = new Map<string, { tag: string; mediaType: string; size: number }>();
  for (const { tag, head } of heads) {
    if (head && !digests.has(head.digest))
      digests.set(head.digest, { tag, mediaType: head.mediaType, size: head.size });
  }
  return digests;
}

/** A small blob, in memory; the client checks its digest. */
export async function readSmallBlob(
  client: RegistryClient,
  repository: string,
  digest: string,
  what: string,
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of client.openBlob(repository, digest)) {
    size += chunk.byteLength;
    if (size > MAX_SMALL_BLOB) {
      throw new OciRegistryError(
        'failed',
        'registry-response-invalid',
        `${what} (${digest}) is larger than ${MAX_SMALL_BLOB} bytes`,
        'it should be a small JSON document: check what the registry holds there',
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
