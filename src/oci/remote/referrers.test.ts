/**
 * Referrers against a real docker-registry 2.8 (no referrers API: the tag schema fallback, checked
 * with skopeo), and against olareg, an OCI 1.1 registry with the API (checked with a plain GET of
 * the referrers endpoint and with regctl, as a user would look).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from '../../../test/control-plane/tools.js';
import {
  startReferrersRegistry,
  startRegistry,
  type TestRegistry,
} from '../../../test/registry/registry-server.js';
import { type TinyImage, writeTinyImage } from '../../../test/registry/tiny-image.js';
import { MemoryLogger } from '../../logger.js';
import { sha256Digest } from '../digest.js';
import { MediaType } from '../media-types.js';
import type { Descriptor, ImageIndex } from '../types.js';
import { RegistryClient } from './client.js';
import { pushFromLayout } from './push-layout.js';
import {
  attachReferrer,
  EMPTY_DESCRIPTOR,
  listReferrers,
  PROMOTION_RECORD_TYPE,
  referrerManifest,
  referrersTag,
  SIGSTORE_BUNDLE_TYPE,
  withReferrer,
} from './referrers.js';
import { RegistrySink } from './registry-sink.js';

const run = promisify(execFile);
const FAST = { attempts: 3, baseDelayMs: 10, maxDelayMs: 50, jitter: true };
const SIGNATURE = join(process.cwd(), 'examples/registry/sentiment/2/model.sig');
const SUBJECT: Descriptor = {
  mediaType: MediaType.ImageManifest,
  digest: `sha256:${'a'.repeat(64)}`,
  size: 123,
};

/** A registry started by `start`, with a small image pushed to `demo:v1` (the subject). */
async function registryWithSubject(start: () => Promise<TestRegistry>) {
  const registry = await start();
  const work = await mkdtemp(join(tmpdir(), 'mp-referrers-'));
  const image = await writeTinyImage(join(work, 'layout'), 'v1', 64 * 1024);
  const client = new RegistryClient({ registry: registry.host, retry: FAST, logger: new MemoryLogger() });
  const subject = await pushFromLayout(image.layout, image.manifest, new RegistrySink(client, 'demo'), [
    'v1',
  ]);
  return { registry, work, image, client, subject };
}

describe('referrerManifest (pure)', () => {
  const artifact = {
    artifactType: SIGSTORE_BUNDLE_TYPE,
    mediaType: SIGSTORE_BUNDLE_TYPE,
    bytes: Buffer.from('{"bundle":1}'),
    annotations: { 'org.opencontainers.image.title': 'model.sig' },
  };

  it('is an OCI 1.1 artifact: artifactType, empty config, the bytes as the one layer, subject', () => {
    const { manifest, blob } = referrerManifest({ ...SUBJECT, annotations: { dropped: 'yes' } }, artifact);
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: SIGSTORE_BUNDLE_TYPE,
      config: EMPTY_DESCRIPTOR,
      layers: [{ mediaType: SIGSTORE_BUNDLE_TYPE, digest: sha256Digest(artifact.bytes), size: 12 }],
      subject: SUBJECT,
      annotations: artifact.annotations,
    });
    expect(blob.digest).toBe(sha256Digest(artifact.bytes));
    expect(EMPTY_DESCRIPTOR.digest).toBe(sha256Digest(Buffer.from('{}')));
  });

  it.each([
    { name: 'same artifact', change: {}, same: true },
    { name: 'other bytes', change: { bytes: Buffer.from('{"bundle":2}') }, same: false },
    { name: 'other artifactType', change: { artifactType: PROMOTION_RECORD_TYPE }, same: false },
    { name: 'no annotations', change: { annotations: {} }, same: false },
  ])('$name -> same bytes: $same', ({ change, same }) => {
    const a = referrerManifest(SUBJECT, artifact).bytes;
    const b = referrerManifest(SUBJECT, { ...artifact, ...change }).bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(same);
  });

  it('referrersTag follows the tag schema', () => {
    expect(referrersTag(SUBJECT.digest)).toBe(`sha256-${'a'.repeat(64)}`);
    expect(() => referrersTag('md5:abc')).toThrow(/not sha256/);
  });

  it('withReferrer appends once', () => {
    const entry: Descriptor = { mediaType: MediaType.ImageManifest, digest: SUBJECT.digest, size: 1 };
    const first = withReferrer(undefined, entry);
    expect(first).toEqual({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [entry] });
    expect(withReferrer(first, entry)).toBe(first);
    const other = { ...entry, digest: `sha256:${'b'.repeat(64)}` };
    expect(withReferrer(first, other).manifests).toEqual([entry, other]);
  });
});

describe('on docker-registry 2.8 (tag schema fallback)', () => {
  let registry: TestRegistry;
  let work: string;
  let image: TinyImage;
  let client: RegistryClient;
  let subject: Descriptor;
  let signature: Buffer;
  const record = Buffer.from(JSON.stringify({ schemaVersion: 1, status: 'succeeded' }));

  beforeAll(async () => {
    ({ registry, work, image, client, subject } = await registryWithSubject(startRegistry));
    signature = await readFile(SIGNATURE);
  });
  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('attaches the signature and the record, lists them back, and skopeo reads the fallback tag', async () => {
    const sig = await attachReferrer(client, 'demo', subject, {
      artifactType: SIGSTORE_BUNDLE_TYPE,
      mediaType: SIGSTORE_BUNDLE_TYPE,
      bytes: signature,
      annotations: { 'org.opencontainers.image.title': 'model.sig' },
    });
    const rec = await attachReferrer(client, 'demo', subject, {
      artifactType: PROMOTION_RECORD_TYPE,
      mediaType: PROMOTION_RECORD_TYPE,
      bytes: record,
    });
    expect(sig).toMatchObject({ mode: 'tag', artifactType: SIGSTORE_BUNDLE_TYPE });
    expect(rec).toMatchObject({ mode: 'tag', artifactType: PROMOTION_RECORD_TYPE });

    const all = await listReferrers(client, 'demo', subject.digest);
    expect(all.map((d) => [d.digest, d.artifactType])).toEqual([
      [sig.digest, SIGSTORE_BUNDLE_TYPE],
      [rec.digest, PROMOTION_RECORD_TYPE],
    ]);
    expect(all[0]?.annotations).toEqual({ 'org.opencontainers.image.title': 'model.sig' });
    expect(
      (await listReferrers(client, 'demo', subject.digest, PROMOTION_RECORD_TYPE)).map((d) => d.digest),
    ).toEqual([rec.digest]);

    const tag = referrersTag(subject.digest);
    const { stdout } = await run('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${registry.host}/demo:${tag}`,
    ]);
    const index = JSON.parse(stdout) as ImageIndex;
    expect(index.mediaType).toBe(MediaType.ImageIndex);
    expect(index.manifests.map((d) => d.digest)).toEqual([sig.digest, rec.digest]);

    // The artifact manifest names the subject, and its layer is the signature, byte for byte.
    const raw = await run('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${registry.host}/demo@${sig.digest}`,
    ]);
    const manifest = JSON.parse(raw.stdout) as {
      subject: Descriptor;
      layers: Descriptor[];
      config: Descriptor;
    };
    expect(manifest.subject.digest).toBe(subject.digest);
    expect(manifest.config).toEqual(EMPTY_DESCRIPTOR);
    const chunks: Uint8Array[] = [];
    for await (const chunk of client.openBlob('demo', manifest.layers[0]!.digest)) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(signature)).toBe(true);
  });

  it('attaching the same artifact again does not duplicate it', async () => {
    const artifact = { artifactType: PROMOTION_RECORD_TYPE, mediaType: PROMOTION_RECORD_TYPE, bytes: record };
    const before = await listReferrers(client, 'demo', subject.digest);
    const again = await attachReferrer(client, 'demo', subject, artifact);
    const after = await listReferrers(client, 'demo', subject.digest);
    expect(after).toEqual(before);
    expect(after.filter((d) => d.digest === again.digest)).toHaveLength(1);
  });

  it('concurrent attachments to one subject all end up in the list', async () => {
    const other = await pushFromLayout(image.layout, image.manifest, new RegistrySink(client, 'race'), [
      'v1',
    ]);
    const attached = await Promise.all(
      [1, 2, 3].map((n) =>
        attachReferrer(client, 'race', other, {
          artifactType: PROMOTION_RECORD_TYPE,
          mediaType: PROMOTION_RECORD_TYPE,
          bytes: Buffer.from(`{"n":${n}}`),
        }),
      ),
    );
    const listed = (await listReferrers(client, 'race', other.digest)).map((d) => d.digest).sort();
    expect(listed).toEqual(attached.map((d) => d.digest).sort());
  });

  it('a subject without referrers lists none', async () => {
    expect(await listReferrers(client, 'demo', `sha256:${'0'.repeat(64)}`)).toEqual([]);
  });

  it('refuses a referrers tag that holds something other than an index', async () => {
    const victim = await pushFromLayout(image.layout, image.manifest, new RegistrySink(client, 'taken'), [
      'v1',
    ]);
    const tag = referrersTag(victim.digest);
    await pushFromLayout(image.layout, image.manifest, new RegistrySink(client, 'taken'), [tag]);
    await expect(listReferrers(client, 'taken', victim.digest)).rejects.toMatchObject({
      code: 'registry-response-invalid',
      message: expect.stringContaining(`should hold the referrers index of ${victim.digest}`),
    });
  });
});

describe('on an OCI 1.1 registry with the referrers API (olareg)', () => {
  let registry: TestRegistry;
  let work: string;
  let client: RegistryClient;
  let subject: Descriptor;
  let signature: Buffer;
  const record = Buffer.from(JSON.stringify({ schemaVersion: 1, status: 'succeeded' }));

  beforeAll(async () => {
    ({ registry, work, client, subject } = await registryWithSubject(startReferrersRegistry));
    signature = await readFile(SIGNATURE);
  });
  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('leaves the list to the registry (no fallback tag); the API, regctl and our client agree', async () => {
    const sig = await attachReferrer(client, 'demo', subject, {
      artifactType: SIGSTORE_BUNDLE_TYPE,
      mediaType: SIGSTORE_BUNDLE_TYPE,
      bytes: signature,
      annotations: { 'org.opencontainers.image.title': 'model.sig' },
    });
    const rec = await attachReferrer(client, 'demo', subject, {
      artifactType: PROMOTION_RECORD_TYPE,
      mediaType: PROMOTION_RECORD_TYPE,
      bytes: record,
    });
    expect([sig.mode, rec.mode]).toEqual(['api', 'api']);
    // No referrers tag was written: the registry keeps the list.
    const tags = (await (await fetch(`${registry.url}/v2/demo/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['v1']);

    // A plain GET of the API, as the distribution spec defines it.
    const response = await fetch(`${registry.url}/v2/demo/referrers/${subject.digest}`);
    expect(response.headers.get('content-type')).toBe(MediaType.ImageIndex);
    const index = (await response.json()) as ImageIndex & {
      manifests: Array<Descriptor & { artifactType?: string }>;
    };
    const byType = (list: Array<{ digest: string; artifactType?: string }>) =>
      list.map((d) => [d.digest, d.artifactType]).sort();
    expect(byType(index.manifests)).toEqual(
      byType([
        { digest: sig.digest, artifactType: SIGSTORE_BUNDLE_TYPE },
        { digest: rec.digest, artifactType: PROMOTION_RECORD_TYPE },
      ]),
    );
    expect(index.manifests.find((d) => d.digest === sig.digest)?.annotations).toEqual({
      'org.opencontainers.image.title': 'model.sig',
    });

    // regctl, a client users run to discover referrers (as oras discover does).
    const { stdout } = await run(toolPath('regctl'), [
      '--host', `reg=${registry.host},tls=disabled`, 'artifact', 'list', `${registry.host}/demo@${subject.digest}`,
      '--format', '{{json .}}',
    ]); // prettier-ignore
    const listed = JSON.parse(stdout) as { descriptors?: Array<{ digest: string; artifactType?: string }> };
    expect(byType(listed.descriptors ?? [])).toEqual(byType(index.manifests));

    expect(byType(await listReferrers(client, 'demo', subject.digest))).toEqual(byType(index.manifests));
    expect(
      (await listReferrers(client, 'demo', subject.digest, PROMOTION_RECORD_TYPE)).map((d) => d.digest),
    ).toEqual([rec.digest]);
  });

  it('attaching the same artifact again does not duplicate it', async () => {
    const artifact = { artifactType: PROMOTION_RECORD_TYPE, mediaType: PROMOTION_RECORD_TYPE, bytes: record };
    const before = await listReferrers(client, 'demo', subject.digest);
    await attachReferrer(client, 'demo', subject, artifact);
    expect((await listReferrers(client, 'demo', subject.digest)).length).toBe(before.length);
  });

  it('a subject without referrers lists none', async () => {
    expect(await listReferrers(client, 'demo', `sha256:${'0'.repeat(64)}`)).toEqual([]);
  });
});
