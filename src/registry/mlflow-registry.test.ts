/** The MLflow and GitLab registries driven through the MLflow test double (test/doubles). */
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlflowDouble, type FileSource } from '../../test/doubles/mlflow-double.js';
import { writeSparseSafetensors } from '../../test/e2e/helpers.js';
import { MemoryLogger } from '../logger.js';
import { extractInterface, listedFiles } from '../schema/index.js';
import { verifyModel } from '../signing/verify-model.js';
import { DownloadCache } from './download-cache.js';
import { openMlflowRegistry } from './mlflow-registry.js';

const EXAMPLE = path.resolve('examples/registry/sentiment');
const MiB = 1024 * 1024;
const PUBLIC_KEY = path.resolve('examples/keys/example-signing.pub.pem');

async function exampleFiles(version: string): Promise<Map<string, FileSource>> {
  const dir = path.join(EXAMPLE, version);
  const files = new Map<string, FileSource>();
  for (const name of await readdir(dir)) files.set(name, await readFile(path.join(dir, name)));
  return files;
}

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function setup(options: ConstructorParameters<typeof MlflowDouble>[0] = {}) {
  const double = await new MlflowDouble(options).start();
  const model = double.addModel('sentiment', {
    workload: 'online-inference',
    runtime: 'onnx',
    accelerator: 'nvidia',
  });
  double.addVersion('sentiment', options.dialect === 'gitlab' ? '1.0.0' : '1', await exampleFiles('1'), {
    framework: 'safetensors',
  });
  double.addVersion('sentiment', options.dialect === 'gitlab' ? '2.0.0' : '2', await exampleFiles('2'), {
    'gpu-memory': '40Gi',
    'mlflow.source.type': 'JOB',
  });
  model.aliases.champion = options.dialect === 'gitlab' ? '2.0.0' : '2';
  const root = await mkdtemp(path.join(tmpdir(), 'mlflow-test-'));
  dirs.push(root);
  const logger = new MemoryLogger();
  const masked: string[] = [];
  const env = { MLFLOW_TRACKING_TOKEN: 'secret-token' };
  const registry = openMlflowRegistry(double.uri, {
    env,
    logger,
    mask: (s) => masked.push(s),
    cache: new DownloadCache(root, { retryDelayMs: 1 }),
    retryDelayMs: 1,
    retries: 2,
  });
  return { double, registry, logger, masked, root };
}

const policy = async () => [
  {
    source: 'inputs',
    alternatives: [{ method: 'key' as const, publicKeys: [await readFile(PUBLIC_KEY, 'utf8')] }],
  },
];

describe('MLflow registry', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    ctx = await setup({ token: 'secret-token' });
  });
  afterEach(async () => ctx.double.stop());

  it('resolves an alias, downloads every artifact, and the signed files verify', async () => {
    const version = await ctx.registry.resolve('sentiment', 'champion');
    expect(version).toMatchObject({
      model: 'sentiment',
      version: '2',
      requested: 'champion',
      aliases: ['champion'],
      signatureName: 'model.sig',
    });
    expect(version.labels).toEqual({
      workload: 'online-inference',
      runtime: 'onnx',
      accelerator: 'nvidia',
      'gpu-memory': '40Gi',
    });
    expect((await readdir(version.directory)).sort()).toEqual([
      'config.json',
      'input_example.json',
      'model.sig',
      'vocab.txt',
      'weights.safetensors',
    ]);
    expect(version.knownDigests?.size).toBe(5); // every file downloaded this run, model.sig included
    const verified = await verifyModel(version, await policy(), { knownDigests: version.knownDigests! });
    expect(verified.files).toHaveLength(4);
    expect(ctx.masked).toContain('secret-token');
  });

  it('resolves a number and latest (highest number, via model-versions/search)', async () => {
    expect((await ctx.registry.resolve('sentiment', '1')).version).toBe('1');
    expect((await ctx.registry.resolve('sentiment', 'latest')).version).toBe('2');
    expect(
      ctx.double.requests.some(
        (r) => r.path.endsWith('model-versions/search') && r.query.filter === "name='sentiment'",
      ),
    ).toBe(true);
  });

  it('writes tags and the environment alias back, and reads the history from them', async () => {
    const version = await ctx.registry.resolve('sentiment', '1');
    await ctx.registry.recordPromotion(version, {
      promotionId: 'p1',
      environment: 'production',
      version: '1',
      status: 'succeeded',
      time: '2026-01-01T00:00:00Z',
      image: 'r@sha256:1',
      pool: 'gpu',
      durationSeconds: 42.25,
    });
    await ctx.registry.recordPromotion(version, {
      promotionId: 'p2',
      environment: 'staging',
      version: '1',
      status: 'refused',
      time: '2026-01-02T00:00:00Z',
      reason: 'no',
    });
    const model = ctx.double.models.get('sentiment')!;
    expect(model.aliases.production).toBe('1');
    expect(model.aliases.staging).toBeUndefined();
    expect(model.versions[0]!.tags['model_promote.production.status']).toBe('succeeded');
    expect(await ctx.registry.history('sentiment')).toEqual([
      {
        promotionId: 'p1',
        environment: 'production',
        version: '1',
        status: 'succeeded',
        time: '2026-01-01T00:00:00Z',
        image: 'r@sha256:1',
        pool: 'gpu',
        durationSeconds: 42.25,
      },
      {
        promotionId: 'p2',
        environment: 'staging',
        version: '1',
        status: 'refused',
        time: '2026-01-02T00:00:00Z',
        reason: 'no',
      },
    ]);
    // our own tags never become labels
    expect(
      Object.keys((await ctx.registry.resolve('sentiment', '1')).labels).some((k) =>
        k.startsWith('model_promote'),
      ),
    ).toBe(false);
  });

  it('lists a version without downloading it: an interface costs its safetensors header, not the weights', async () => {
    const { double, registry, root } = ctx;
    const folder = await mkdtemp(path.join(tmpdir(), 'mlflow-big-'));
    dirs.push(folder);
    const weights = path.join(folder, 'model.safetensors');
    await writeSparseSafetensors(weights, 64 * MiB);
    double.addVersion(
      'sentiment',
      '3',
      new Map<string, FileSource>([
        ['model.safetensors', { file: weights }],
        ['model.sig', Buffer.from('{}')],
      ]),
    );

    const listing = await registry.listVersion('sentiment', '3');
    expect(listing).toMatchObject({ version: '3', signatureName: 'model.sig' });
    const found = await extractInterface(
      listedFiles(listing.label, listing.files, listing.signatureName, folder),
    );
    expect(found).toMatchObject({
      source: 'safetensors',
      tensors: [{ name: 'w', dtype: 'float32', shape: [16, 1048576] }],
    });
    const served = [...double.bytesServed].find(([p]) => p.endsWith('/model.safetensors'))?.[1] ?? 0;
    expect(served).toBeGreaterThan(0);
    // The double stops once the client closes: at most what the sockets buffered, never the 64 MiB.
    expect(served).toBeLessThan(16 * MiB);
    expect(
      double.bytesServed.has([...double.bytesServed.keys()].find((p) => p.endsWith('/model.sig')) ?? 'none'),
    ).toBe(false);
    await expect(readdir(path.join(root, 'versions'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('retries 503 and 429 answers, then succeeds', async () => {
    ctx.double.faults.unavailable = 1;
    ctx.double.faults.rateLimit = 1;
    expect((await ctx.registry.resolve('sentiment', '2')).version).toBe('2');
    expect(ctx.logger.lines.filter((l) => l.startsWith('warning:') && /HTTP (503|429)/.test(l))).toHaveLength(
      2,
    );
  });

  it('retries a download cut short, and the file is whole', async () => {
    ctx.double.faults.truncate.set('vocab.txt', 1);
    const version = await ctx.registry.resolve('sentiment', '2');
    expect(await readFile(path.join(version.directory, 'vocab.txt'))).toEqual(
      await readFile(path.join(EXAMPLE, '2/vocab.txt')),
    );
  });

  const refusals: {
    name: string;
    arrange: (d: MlflowDouble) => void;
    model?: string;
    version?: string;
    code: string;
    message: RegExp;
  }[] = [
    {
      name: 'unknown model',
      arrange: () => {},
      model: 'nope',
      code: 'unknown-model',
      message: /model "nope" is not in registry/,
    },
    {
      name: 'unknown version',
      arrange: () => {},
      version: '9',
      code: 'unknown-version',
      message: /has no version or alias "9".*/,
    },
    {
      name: 'unknown alias',
      arrange: () => {},
      version: 'gold',
      code: 'unknown-version',
      message: /has no version or alias "gold"/,
    },
    {
      name: 'pending registration',
      arrange: (d) => (d.models.get('sentiment')!.versions[1]!.status = 'PENDING_REGISTRATION'),
      code: 'version-not-ready',
      message: /version 2 is PENDING_REGISTRATION/,
    },
    {
      name: 'failed registration',
      arrange: (d) => (d.models.get('sentiment')!.versions[1]!.status = 'FAILED_REGISTRATION'),
      code: 'version-not-ready',
      message: /FAILED_REGISTRATION/,
    },
    {
      name: 'artifact missing',
      arrange: (d) => d.faults.missing.add('vocab.txt'),
      code: 'download-failed',
      message: /vocab\.txt failed, after 3 tries/,
    },
    {
      name: 'artifact truncated on every try',
      arrange: (d) => d.faults.truncate.set('weights.safetensors', 99),
      code: 'download-failed',
      message: /weights\.safetensors/,
    },
    {
      name: 'signature missing',
      arrange: (d) => d.models.get('sentiment')!.versions[1]!.files.delete('model.sig'),
      code: 'signature-missing',
      message: /has no model\.sig/,
    },
  ];
  it.each(refusals)('refuses clearly: $name', async ({ arrange, model, version, code, message }) => {
    arrange(ctx.double);
    const error = await ctx.registry.resolve(model ?? 'sentiment', version ?? '2').catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(message);
    expect((error as { hint?: string }).hint).toBeTruthy();
    // nothing half-downloaded is left as a version folder
    expect(await readdir(path.join(ctx.root, 'versions')).catch(() => [])).toEqual([]);
  });
});

describe('MLflow registry credentials', () => {
  it('refuses a wrong token (401) and a read-only token on write-back (403)', async () => {
    const ctx = await setup({ token: 'other-token' });
    try {
      await expect(ctx.registry.resolve('sentiment', '2')).rejects.toMatchObject({
        code: 'registry-unauthorized',
        kind: 'failed',
      });
    } finally {
      await ctx.double.stop();
    }
    const readOnly = await setup({ token: 'secret-token', readOnly: true });
    try {
      const version = await readOnly.registry.resolve('sentiment', '2');
      await expect(
        readOnly.registry.recordPromotion(version, {
          promotionId: 'p',
          environment: 'production',
          version: '2',
          status: 'succeeded',
          time: 't',
        }),
      ).rejects.toMatchObject({ code: 'registry-denied', message: expect.stringMatching(/no permission/) });
    } finally {
      await readOnly.double.stop();
    }
  });

  it('sends Basic credentials from MLFLOW_TRACKING_USERNAME/PASSWORD, masked', async () => {
    const double = await new MlflowDouble({ basic: { username: 'u', password: 'pw' } }).start();
    double.addModel('m');
    const masked: string[] = [];
    const root = await mkdtemp(path.join(tmpdir(), 'mlflow-test-'));
    dirs.push(root);
    const registry = openMlflowRegistry(double.uri, {
      env: { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'pw' },
      logger: new MemoryLogger(),
      mask: (s) => masked.push(s),
      cache: new DownloadCache(root),
    });
    try {
      await expect(registry.resolve('m', 'latest')).rejects.toMatchObject({ code: 'unknown-version' });
      expect(masked).toEqual(['pw', Buffer.from('u:pw').toString('base64')]);
    } finally {
      await double.stop();
    }
  });

  it('rejects a malformed registry URI as usage', () => {
    expect(() =>
      openMlflowRegistry('mlflow+ftp://x', {
        env: {},
        logger: new MemoryLogger(),
        cache: new DownloadCache('/nonexistent'),
      }),
    ).toThrow(expect.objectContaining({ code: 'registry-uri-invalid', kind: 'usage' }));
  });
});

describe('GitLab model registry (MLflow API variant)', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    ctx = await setup({ dialect: 'gitlab', token: 'secret-token' });
  });
  afterEach(async () => ctx.double.stop());

  it('resolves a semver version through the internal id, and verifies', async () => {
    const version = await ctx.registry.resolve('sentiment', '2.0.0');
    expect(version.version).toBe('2.0.0');
    const download = ctx.double.requests.find((r) => r.path.endsWith('get-download-uri'))!;
    expect(download.query.version).toBe(String(ctx.double.models.get('sentiment')!.versions[1]!.id));
    await verifyModel(version, await policy());
  });

  it('resolves latest with get-latest-versions and an alias with registered-models/alias', async () => {
    expect((await ctx.registry.resolve('sentiment', 'latest')).version).toBe('2.0.0');
    expect((await ctx.registry.resolve('sentiment', 'champion')).version).toBe('2.0.0');
    expect(ctx.double.requests.some((r) => r.path.endsWith('model-versions/search'))).toBe(false);
  });

  it('does not write back (GitLab has no tag or alias writes): a warning, an empty history', async () => {
    const version = await ctx.registry.resolve('sentiment', '1.0.0');
    await ctx.registry.recordPromotion(version, {
      promotionId: 'p',
      environment: 'production',
      version: '1.0.0',
      status: 'succeeded',
      time: 't',
    });
    expect(ctx.logger.lines.some((l) => /not written back/.test(l))).toBe(true);
    expect(await ctx.registry.history('sentiment')).toEqual([]);
    expect(ctx.double.requests.some((r) => r.method === 'POST' && r.path.endsWith('set-tag'))).toBe(false);
  });
});
