/**
 * The demo promotion pushed to a real docker-registry 2.8 on loopback, through the CLI in-process:
 * the record names the pushed image by digest; tools nobody here wrote (skopeo, umoci) find the
 * signed files in it byte for byte; a second pool uploads no model bytes; a registry that keeps
 * dropping connections fails the promotion with nothing tagged; a 401 names the credential tried.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { startFaultProxy } from '../registry/fault-proxy.js';
import { startRecordingProxy, WRONG_DIGEST } from './recording-proxy.js';
import { startRegistry, type TestRegistry } from '../registry/registry-server.js';
import {
  copyExampleRegistry,
  errorLines,
  EXAMPLE_PUBLIC_KEY,
  execFileAsync,
  promoteArgs,
  readJson,
  runCli,
  TempDirs,
} from '../e2e/helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the record is read back as plain JSON */
const temp = new TempDirs();
let registry: TestRegistry;
let models: string;
const savedEnv = {
  DOCKER_CONFIG: process.env.DOCKER_CONFIG,
  password: process.env.MODEL_PROMOTE_REGISTRY_PASSWORD,
};

beforeAll(async () => {
  registry = await startRegistry();
  models = await copyExampleRegistry(await temp.make());
  // No Docker config of this machine may lend credentials to the test registries.
  process.env.DOCKER_CONFIG = await temp.make('model-promote-docker-config-');
  delete process.env.MODEL_PROMOTE_REGISTRY_PASSWORD;
});
afterAll(async () => {
  await registry?.stop();
  await temp.cleanup();
  for (const [key, value] of [
    ['DOCKER_CONFIG', savedEnv.DOCKER_CONFIG],
    ['MODEL_PROMOTE_REGISTRY_PASSWORD', savedEnv.password],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

async function tags(host: string, repository: string): Promise<string[]> {
  const response = await fetch(`http://${host}/v2/${repository}/tags/list`);
  if (response.status === 404) return [];
  return ((await response.json()) as { tags?: string[] | null }).tags ?? [];
}

describe('model-promote promote --image-repository (docker-registry 2.8)', () => {
  let first: any;

  it('pushes the demo image; the record names it by digest; skopeo and umoci find the signed files', async () => {
    const output = path.join(await temp.make(), 'out');
    const run = await runCli(
      promoteArgs({ registry: models, output }, '--image-repository', `${registry.host}/demo`, '--json'),
    );
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    first = JSON.parse(run.stdout);
    expect(first).toEqual(await readJson(path.join(output, 'promotion.json')));
    expect(first.status).toBe('succeeded');
    expect(first.image.reference).toMatch(
      new RegExp(`^${registry.host.replace(/\./g, '\\.')}/demo@sha256:[0-9a-f]{64}$`),
    );
    expect(first.image.reference).toBe(`${registry.host}/demo@${first.image.digest}`);
    expect(first.image.layoutPath).toBeUndefined();
    // The OMS signature is attached to the image; docker-registry 2.8 has no referrers API, so the
    // OCI tag-schema fallback tag `sha256-<hex>` holds the list.
    expect(first.attestations.signature).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.attestations.record).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await tags(registry.host, 'demo')).sort()).toEqual([
      '2',
      '2-gpu-a100-80g',
      `sha256-${first.image.digest.slice('sha256:'.length)}`,
    ]);

    const { stdout } = await execFileAsync('skopeo', [
      'inspect',
      '--tls-verify=false',
      `docker://${registry.host}/demo:2-gpu-a100-80g`,
    ]);
    expect(JSON.parse(stdout)).toMatchObject({
      Digest: first.image.digest,
      Os: 'linux',
      Architecture: 'amd64',
    });

    const work = await temp.make();
    await execFileAsync('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${first.image.reference}`,
      `oci:${work}/layout:pulled`,
    ]);
    await execFileAsync('umoci', [
      'unpack',
      '--rootless',
      '--image',
      `${work}/layout:pulled`,
      `${work}/bundle`,
    ]);
    // Exactly the signed version's files, its signature included (in a layer of its own, for the
    // in-cluster check), each byte for byte.
    const signed = path.join(models, 'sentiment', '2');
    const expected = (await readdir(signed)).sort();
    expect(expected).toContain('model.sig');
    const unpacked = path.join(work, 'bundle', 'rootfs', 'models');
    expect((await readdir(unpacked)).sort()).toEqual(expected);
    for (const name of expected) {
      expect(
        (await readFile(path.join(unpacked, name))).equals(await readFile(path.join(signed, name))),
      ).toBe(true);
    }
  });

  it('a second promotion of the same model, to another pool (staging), uploads no model bytes', async () => {
    expect(first).toBeDefined();
    const proxy = await startRecordingProxy(registry.port);
    try {
      const output = path.join(await temp.make(), 'out');
      const run = await runCli(
        promoteArgs(
          { registry: models, output, environment: 'staging' },
          '--public-key',
          EXAMPLE_PUBLIC_KEY,
          '--image-repository',
          `${proxy.host}/demo`,
          '--verbose',
          '--json',
        ),
      );
      expect(errorLines(run.stderr)).toEqual([]);
      expect(run.code).toBe(0);
      const record = JSON.parse(run.stdout);
      expect(record.environment.pool).toBe('gpu-a100-40g-shared');
      expect(record.image.digest).not.toBe(first.image.digest); // the pool's config differs
      const modelLayers: { digest: string; size: number }[] = record.image.layers;
      expect(modelLayers.map((l) => l.digest)).toEqual(first.image.layers.map((l: any) => l.digest));
      // Found by layer key (the verified files' sha256): not read, not sent.
      expect(run.stderr).toContain(
        `${modelLayers.length} of ${modelLayers.length} model layer(s) already there, not read`,
      );
      // Blob uploads: the new config and the promotion record attached to the new image (a few KiB),
      // never a model layer.
      const uploads = proxy.requests.filter((r) => r.url.includes('/blobs/uploads/'));
      for (const layer of modelLayers) expect(uploads.some((r) => r.url.includes(layer.digest))).toBe(false);
      expect(proxy.blobBytesUploaded()).toBeGreaterThan(0);
      expect(proxy.blobBytesUploaded()).toBeLessThan(16 * 1024);
      expect((await tags(registry.host, 'demo')).filter((t) => !t.startsWith('sha256-')).sort()).toEqual([
        '2',
        '2-gpu-a100-40g-shared',
        '2-gpu-a100-80g',
      ]);
    } finally {
      await proxy.stop();
    }
  });

  it('a registry that keeps dropping connections: exit 1, a clear message, no tag', async () => {
    const proxy = await startFaultProxy(registry.port, {
      dropEveryBytes: 1500,
      maxDrops: Number.MAX_SAFE_INTEGER,
    });
    try {
      const output = path.join(await temp.make(), 'out');
      const run = await runCli(
        promoteArgs({ registry: models, output }, '--image-repository', `${proxy.host}/faulty`, '--json'),
      );
      expect(run.code).toBe(1);
      const record = JSON.parse(run.stdout);
      expect(record.status).toBe('failed');
      expect(record.stages.map((s: any) => [s.name, s.outcome]).at(-1)).toEqual(['build', 'failed']);
      expect(record.error.message).toMatch(/^pushing (a blob|blob sha256:[0-9a-f]{64}) to /);
      expect(record.error.message).toContain(`${proxy.host}/faulty`);
      expect(errorLines(run.stderr)).toHaveLength(1);
      expect(proxy.counts.drops).toBeGreaterThan(0);
      expect(await tags(registry.host, 'faulty')).toEqual([]);
      expect(record.image).toBeUndefined();
    } finally {
      await proxy.stop();
    }
  }, 180_000);

  it.each([
    {
      what: 'stored manifest',
      repository: 'lying-manifest',
      lie: (method: string, url: string) => method === 'PUT' && url.includes('/manifests/'),
    },
    {
      what: 'stored blob',
      repository: 'lying-blob',
      lie: (method: string, url: string) => method === 'PUT' && url.includes('/blobs/uploads/'),
    },
  ])(
    'a registry answering a wrong Docker-Content-Digest for a $what: refused, named, no tag',
    async ({ repository, lie }) => {
      // A repository of its own: blobs already in it would not be uploaded again.
      const proxy = await startRecordingProxy(registry.port, { contentDigest: lie });
      try {
        const output = path.join(await temp.make(), 'out');
        const run = await runCli(
          promoteArgs(
            { registry: models, output },
            '--image-repository',
            `${proxy.host}/${repository}`,
            '--json',
          ),
        );
        expect(run.code).toBe(1);
        const record = JSON.parse(run.stdout);
        expect(record.status).toBe('failed');
        expect(record.error.code).toBe('digest-mismatch');
        expect(record.error.message).toContain(
          `the registry stored ${WRONG_DIGEST}, the bytes sent are sha256:`,
        );
        expect(errorLines(run.stderr)).toHaveLength(1);
        expect(await tags(registry.host, repository)).toEqual([]);
        expect(record.image).toBeUndefined();
      } finally {
        await proxy.stop();
      }
    },
  );

  describe('with htpasswd Basic auth', () => {
    let secured: TestRegistry;
    beforeAll(async () => {
      secured = await startRegistry({ kind: 'htpasswd', username: 'alice', password: 'right-password' });
    });
    afterAll(() => secured?.stop());

    it.each([
      {
        name: 'wrong password from the inputs',
        username: 'alice',
        password: 'wrong',
        source: 'registry-username/registry-password inputs',
      },
      {
        name: 'no credentials at all',
        username: undefined,
        password: undefined,
        source: 'anonymous (no credentials found)',
      },
    ])(
      '401, $name: the message names the credential source tried, nothing is pushed',
      async ({ username, password, source }) => {
        const output = path.join(await temp.make(), 'out');
        if (password) process.env.MODEL_PROMOTE_REGISTRY_PASSWORD = password;
        try {
          const run = await runCli(
            promoteArgs(
              { registry: models, output },
              '--image-repository',
              `${secured.host}/demo`,
              ...(username ? ['--registry-username', username] : []),
            ),
          );
          expect(run.code).toBe(1);
          const [line] = errorLines(run.stderr);
          expect(line).toContain('401');
          expect(line).toContain(source);
          expect(line).toContain(secured.host);
          expect(run.stderr).not.toContain(password ?? 'right-password');
        } finally {
          delete process.env.MODEL_PROMOTE_REGISTRY_PASSWORD;
        }
        const listed = await fetch(`${secured.url}/v2/demo/tags/list`, {
          headers: { authorization: `Basic ${Buffer.from('alice:right-password').toString('base64')}` },
        });
        expect(listed.status).toBe(404);
      },
    );

    it('the right password pushes', async () => {
      const output = path.join(await temp.make(), 'out');
      process.env.MODEL_PROMOTE_REGISTRY_PASSWORD = 'right-password';
      try {
        const run = await runCli(
          promoteArgs(
            { registry: models, output },
            '--image-repository',
            `${secured.host}/demo`,
            '--registry-username',
            'alice',
            '--json',
          ),
        );
        expect(errorLines(run.stderr)).toEqual([]);
        expect(run.code).toBe(0);
        expect(JSON.parse(run.stdout).image.reference).toMatch(
          new RegExp(`^${secured.host.replace(/\./g, '\\.')}/demo@sha256:`),
        );
        expect(run.stderr).not.toContain('right-password');
      } finally {
        delete process.env.MODEL_PROMOTE_REGISTRY_PASSWORD;
      }
    });
  });
});
