/**
 * Issue 15: a streamed upload whose connection to the target registry drops near the end of a model
 * file's layer, after the file was read and checked, resumes at the registry's offset with the
 * source serving only the rest of the file (a Range request): from an `oci://` ModelPack version on
 * a real docker-registry 2.8, and from the Hugging Face Hub double (test/doubles: it stands in for
 * the Hub, which no test can reach). The target is a real olareg, which keeps the bytes of a broken
 * PATCH as the spec allows (docker-registry cancels such a session, so nothing resumes against it).
 * The MLflow source's case is in mlflow-stream.test.ts, which starts the real MLflow server anyway.
 * And an `oci://` version whose listing gives another size than its layer holds: the cause named,
 * nothing tagged.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXAMPLE_PRIVATE_KEY, EXAMPLES, errorLines, promoteArgs, runCli, TempDirs } from '../e2e/helpers.js';
import { HuggingFaceDouble, type FileSource } from '../doubles/huggingface-double.js';
import { runPublish } from '../e2e-modelpack/helpers.js';
import { type FaultProxy, startFaultProxy } from '../registry/fault-proxy.js';
import { startReferrersRegistry, startRegistry, type TestRegistry } from '../registry/registry-server.js';
import { type RewritingProxy, startRewritingProxy } from '../registry/rewriting-proxy.js';
import { MediaType } from '../../src/oci/media-types.js';
import { RegistryClient } from '../../src/oci/remote/client.js';
import { attachReferrer, listReferrers, SIGSTORE_BUNDLE_TYPE } from '../../src/oci/remote/referrers.js';
import { signModel } from '../../src/signing/sign-model.js';
import { HF_TOKEN, resumedAt, setRegistryEnv } from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- records and manifests are read back as plain JSON */
const temp = new TempDirs();
const KiB = 1024;
const MiB = 1024 * KiB;
/** The weight file: 64 MiB or more is a layer of its own. */
const WEIGHT = 'weights/big.bin';
const WEIGHT_BYTES = 65 * MiB;
/**
 * Where the target proxy cuts the connection carrying the weight's layer: this many bytes before the
 * end of the file, by which point the client has read the whole layer from the source into its
 * socket (the earlier requests on that connection move the cut a few KiB earlier, still in the file).
 */
const CUT_BEFORE_END = 32 * KiB;
const LABELS = ['workload=online-inference', 'runtime=onnx', 'accelerator=nvidia', 'gpu-memory=40Gi'];
const restoreEnv = setRegistryEnv({
  HF_TOKEN,
  HUGGING_FACE_HUB_TOKEN: undefined,
  HF_ENDPOINT: undefined,
  RUNNER_TEMP: undefined,
  XDG_CACHE_HOME: undefined,
  MODEL_PROMOTE_REGISTRY_PASSWORD: undefined,
});

let source: TestRegistry;
let target: TestRegistry;
let hub: HuggingFaceDouble;
let commit: string;

beforeAll(async () => {
  [source, target, hub] = await Promise.all([
    startRegistry(),
    startReferrersRegistry(),
    new HuggingFaceDouble({ token: HF_TOKEN }).start(),
  ]);
  process.env.XDG_CACHE_HOME = await temp.make('cache-home-');
  process.env.DOCKER_CONFIG = await temp.make('docker-config-');
  const dir = path.join(await temp.make(), 'model');
  await cp(path.join(EXAMPLES, 'registry/sentiment/2'), dir, { recursive: true });
  await rm(path.join(dir, 'model.sig'));
  await mkdir(path.join(dir, 'weights'));
  await writeFile(path.join(dir, WEIGHT), randomBytes(WEIGHT_BYTES));
  await signModel(dir, { privateKeyPath: EXAMPLE_PRIVATE_KEY });

  const published = await runPublish([
    dir,
    '--registry',
    `oci://${source.host}/models/resumed`,
    '--model',
    'resumed',
    '--version',
    '1',
    ...[...LABELS, 'framework=safetensors'].flatMap((label) => ['--label', label]),
    '--format',
    'safetensors',
  ]);
  expect(published).toMatchObject({ code: 0 });

  const files = new Map<string, FileSource>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full).split(path.sep).join('/'), { file: full });
  }
  hub.addRepo('acme/resumed');
  commit = await hub.commit('acme/resumed', files, {
    cardData: { labels: Object.fromEntries(LABELS.map((l) => l.split('='))) },
    tags: ['safetensors', 'framework:safetensors'],
  });
}, 300_000);
afterAll(async () => {
  restoreEnv();
  delete process.env.DOCKER_CONFIG;
  await Promise.all([source?.stop(), target?.stop(), hub?.stop()]);
  await temp.cleanup();
});

async function promote(registry: string, version: string, targetHost: string, repository: string) {
  const output = path.join(await temp.make(), 'out');
  const run = await runCli(
    promoteArgs(
      { registry, output, model: 'resumed', version },
      '--image-repository',
      `${targetHost}/${repository}`,
      '--json',
    ),
  );
  return { run, record: JSON.parse(run.stdout) };
}

async function targetTags(repository: string): Promise<string[]> {
  const response = await fetch(`http://${target.host}/v2/${repository}/tags/list`);
  if (response.status === 404) return [];
  return ((await response.json()) as { tags?: string[] | null }).tags ?? [];
}

/** The target behind a proxy that cuts the weight layer's connection once, near the file's end. */
function cuttingProxy(): Promise<FaultProxy> {
  return startFaultProxy(target.port, { dropConnectionAtBytes: WEIGHT_BYTES - CUT_BEFORE_END, maxDrops: 1 });
}

describe('a streamed upload that breaks after the file was checked resumes from the source at an offset', () => {
  it('oci:// ModelPack source: the rest of the tar layer is a Range request on the blob', async () => {
    const counted = await startFaultProxy(source.port);
    const cutting = await cuttingProxy();
    try {
      const registry = `oci://${counted.host}/models`;
      const reference = await promote(registry, '1', target.host, 'oci-reference');
      expect(reference.run.code).toBe(0);
      const servedBefore = counted.counts.bytesDown;
      const { run, record } = await promote(registry, '1', cutting.host, 'oci-resumed');
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      expect(cutting.counts.drops).toBe(1);
      expect(record.image.digest).toBe(reference.record.image.digest);
      const { offset, size } = resumedAt(run.stderr);
      expect(size - offset).toBeGreaterThan(CUT_BEFORE_END);
      expect(size - offset).toBeLessThan(CUT_BEFORE_END + 64 * KiB);
      // The file once, then its rest and the layer's first blocks (to find where the file starts):
      // the whole file was not read again.
      const served = counted.counts.bytesDown - servedBefore;
      expect(served).toBeGreaterThan(WEIGHT_BYTES);
      expect(served).toBeLessThan(WEIGHT_BYTES + 2 * MiB);
    } finally {
      await Promise.all([counted.stop(), cutting.stop()]);
    }
  }, 300_000);

  it('Hugging Face source: the rest of the file is a Range request on its resolve URL', async () => {
    const cutting = await cuttingProxy();
    try {
      const reference = await promote(hub.uri('acme'), commit, target.host, 'hf-reference');
      expect(reference.run.code).toBe(0);
      const before = hub.requests.length;
      const { run, record } = await promote(hub.uri('acme'), commit, cutting.host, 'hf-resumed');
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      expect(cutting.counts.drops).toBe(1);
      expect(record.image.digest).toBe(reference.record.image.digest);
      const { offset, size } = resumedAt(run.stderr);
      const reads = hub.requests
        .slice(before)
        .filter((r) => r.path.endsWith(`/acme/resumed/resolve/${commit}/${WEIGHT}`));
      // Read whole once, then from the offset the registry held: the file's bytes from there on (the
      // Hub client's one-byte probe aside).
      expect(reads.filter((r) => r.range === undefined)).toHaveLength(1);
      const resumed = reads.filter((r) => r.range !== undefined && r.range !== 'bytes=0-0');
      expect(resumed.map((r) => r.range)).toEqual([expect.stringMatching(/^bytes=[1-9]\d*-$/)]);
      const start = Number(/^bytes=(\d+)-$/.exec(resumed[0]!.range!)![1]);
      // The layer ends with the file (no padding: its size is a multiple of 512), then two zero blocks.
      expect(WEIGHT_BYTES - start).toBe(size - offset - 1024);
      expect(WEIGHT_BYTES - start).toBeLessThan(CUT_BEFORE_END + 64 * KiB);
    } finally {
      await cutting.stop();
    }
  }, 300_000);
});

/**
 * An HTTP proxy to the source registry that flips the first byte of every answer to a Range request
 * that does not start at byte 0: a source whose ranged reads give other bytes than its whole blob
 * (which the registry client checks against the digest, so those stay right).
 */
function startRangeCorruptingProxy(port: number): Promise<RewritingProxy> {
  return startRewritingProxy(port, { corrupt: (req) => /^bytes=[1-9]/.test(req.headers.range ?? '') });
}

describe('a resumed upload whose ranged bytes from the source are wrong', () => {
  it('is refused by the target registry at the digest check: the layer starts over, the image is the checked one', async () => {
    const corrupting = await startRangeCorruptingProxy(source.port);
    const cutting = await cuttingProxy();
    try {
      const registry = `oci://${corrupting.host}/models`;
      const reference = await promote(registry, '1', target.host, 'corrupt-reference');
      expect(reference.run.code).toBe(0);
      const { run, record } = await promote(registry, '1', cutting.host, 'corrupt-resumed');
      expect(errorLines(run.stderr)).toEqual([]);
      expect(cutting.counts.drops).toBe(1);
      resumedAt(run.stderr);
      // The final PUT names the digest of the checked first pass; the registry's bytes give another.
      expect(run.stderr).toMatch(
        /resuming from the source failed \(.*400 .*invalid digest.*\); reading it again/,
      );
      expect(run.code).toBe(0);
      expect(record.image.digest).toBe(reference.record.image.digest);
    } finally {
      await Promise.all([corrupting.stop(), cutting.stop()]);
    }
  }, 300_000);
});

describe('an oci:// version whose listing gives another size than its layer holds', () => {
  it.each([
    { listed: WEIGHT_BYTES + 1, served: `served only ${WEIGHT_BYTES} bytes` },
    { listed: WEIGHT_BYTES - 1, served: `served more than ${WEIGHT_BYTES - 1} bytes` },
  ])(
    'lists $listed bytes: refused with the cause, nothing tagged',
    async ({ listed, served }) => {
      const client = new RegistryClient({ registry: source.host });
      const original = await client.getManifest('models/resumed', '1');
      const manifest = JSON.parse(Buffer.from(original.bytes).toString('utf8'));
      const layer = manifest.layers.find((l: any) => l.annotations['org.cncf.model.filepath'] === WEIGHT);
      const metadata = JSON.parse(layer.annotations['org.cncf.model.file.metadata+json']);
      layer.annotations['org.cncf.model.file.metadata+json'] = JSON.stringify({ ...metadata, size: listed });
      const bytes = Buffer.from(JSON.stringify(manifest));
      const tag = `wrong-size-${listed}`;
      const pushed = await client.putManifest('models/resumed', tag, bytes, MediaType.ImageManifest);
      const [signature] = await listReferrers(
        client,
        'models/resumed',
        original.digest,
        SIGSTORE_BUNDLE_TYPE,
      );
      const signatureManifest = JSON.parse(
        Buffer.from((await client.getManifest('models/resumed', signature!.digest)).bytes).toString('utf8'),
      );
      const chunks: Uint8Array[] = [];
      for await (const chunk of client.openBlob('models/resumed', signatureManifest.layers[0].digest))
        chunks.push(chunk);
      await attachReferrer(
        client,
        'models/resumed',
        { mediaType: MediaType.ImageManifest, digest: pushed.digest, size: bytes.byteLength },
        { artifactType: SIGSTORE_BUNDLE_TYPE, mediaType: SIGSTORE_BUNDLE_TYPE, bytes: Buffer.concat(chunks) },
      );

      const repository = `wrong-size-${listed}`;
      const { run, record } = await promote(`oci://${source.host}/models`, tag, target.host, repository);
      expect(run.code).toBe(1);
      expect(record.status).toBe('failed');
      expect(record.error.code).toBe('download-size-mismatch');
      expect(record.error.message).toContain(
        `${source.host}/models/resumed:${tag} ${served} of ${WEIGHT}, which it lists with ${listed} bytes`,
      );
      expect(record.error.hint).toMatch(/listing and its file disagree/);
      expect(record.image).toBeUndefined();
      expect(await targetTags(repository)).toEqual([]);
    },
    300_000,
  );
});
