/**
 * Issue 6, end to end: the demo promotion through the CLI in-process, from the MLflow double, its
 * GitLab variant and the Hugging Face Hub double (test/doubles), each driven through the real
 * client. Each registry: exit 0, the record names the pool, a second run takes every model file
 * from the download cache (only model.sig, which names the files, is fetched again) and still
 * verifies them; MLflow gets the promotion written back (version tags and the `production` alias).
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { HuggingFaceDouble } from '../doubles/huggingface-double.js';
import type { MlflowDouble } from '../doubles/mlflow-double.js';
import { listTop, promoteArgs, readJson, runCli, TempDirs } from '../e2e/helpers.js';
import { HF_TOKEN, MLFLOW_TOKEN, setRegistryEnv, startHub, startMlflow } from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the record is read back as plain JSON */
const temp = new TempDirs();
const restoreEnv = setRegistryEnv({
  MLFLOW_TRACKING_TOKEN: MLFLOW_TOKEN,
  HF_TOKEN,
  HF_ENDPOINT: undefined,
  GITLAB_TOKEN: undefined,
  MLFLOW_TRACKING_USERNAME: undefined,
  MLFLOW_TRACKING_PASSWORD: undefined,
});
afterAll(async () => {
  restoreEnv();
  await temp.cleanup();
});

interface Served {
  readonly registry: string;
  /** Paths of the model files the double served, in order. */
  readonly downloads: () => string[];
  readonly stop: () => Promise<void>;
  readonly version: string;
}

const mlflowDownloads = (double: MlflowDouble) => () =>
  double.requests
    .filter((r) => r.method === 'GET' && /\/mlflow-artifacts\/artifacts\/./.test(r.path))
    .map((r) => r.path);

const hubDownloads = (double: HuggingFaceDouble) => () =>
  double.requests.filter((r) => r.path.includes('/resolve/') && r.range === undefined).map((r) => r.path);

const REGISTRIES: { name: string; start: () => Promise<Served & { double: unknown }> }[] = [
  {
    name: 'MLflow',
    start: async () => {
      const double = await startMlflow();
      return {
        double,
        registry: double.uri,
        downloads: mlflowDownloads(double),
        stop: () => double.stop(),
        version: '2',
      };
    },
  },
  {
    name: "GitLab's MLflow API",
    start: async () => {
      const double = await startMlflow({ dialect: 'gitlab', project: 7 });
      return {
        double,
        registry: double.uri,
        downloads: mlflowDownloads(double),
        stop: () => double.stop(),
        version: '2.0.0',
      };
    },
  },
  {
    name: 'Hugging Face Hub',
    start: async () => {
      const { double, v2 } = await startHub();
      return {
        double,
        registry: double.uri('acme'),
        downloads: hubDownloads(double),
        stop: () => double.stop(),
        version: v2,
      };
    },
  },
];

describe.each(REGISTRIES)('promote from $name', ({ name, start }) => {
  let served: Awaited<ReturnType<typeof start>>;
  afterEach(async () => served?.stop());

  it('promotes champion, then again from the download cache', async () => {
    served = await start();
    const dir = await temp.make();
    const cache = path.join(dir, 'cache');
    const first = path.join(dir, 'out-1');
    const run = await runCli(promoteArgs({ registry: served.registry, output: first }, '--cache-dir', cache));
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await listTop(first)).toEqual(['image', 'manifests', 'promotion.json', 'summary.md']);
    const record = await readJson<any>(path.join(first, 'promotion.json'));
    expect(record).toMatchObject({
      status: 'succeeded',
      request: { registry: served.registry },
      model: { name: 'sentiment', version: served.version, requested: 'champion', files: 4 },
      environment: { name: 'production', pool: 'gpu-a100-80g' },
    });
    expect(record.model.labels).toMatchObject({ accelerator: 'nvidia', 'gpu-memory': '40Gi' });
    expect(served.downloads()).toHaveLength(5);
    expect(run.stderr).toMatch(/0 from the cache, re-verified; \d+ bytes downloaded/);

    const before = served.downloads().length;
    const second = path.join(dir, 'out-2');
    const again = await runCli(
      promoteArgs({ registry: served.registry, output: second }, '--cache-dir', cache),
    );
    expect(again.code).toBe(0);
    // Only the signature is fetched again (it names the files to look for); no model file is.
    expect(served.downloads().slice(before)).toEqual([expect.stringMatching(/\/model\.sig$/)]);
    expect(again.stderr).toMatch(/4 from the cache, re-verified; 2047 bytes downloaded/);
    const record2 = await readJson<any>(path.join(second, 'promotion.json'));
    expect(record2.stages.find((s: any) => s.name === 'verify')).toMatchObject({ outcome: 'ok' });
    expect(record2.model.digest).toBe(record.model.digest);
    expect(record2.image.digest).toBe(record.image.digest);
    if (name !== 'MLflow') expect(again.stderr).toMatch(/not written back/);
  });
});

describe('MLflow write-back', () => {
  it('sets the version tags and the production alias after a success', async () => {
    const double = await startMlflow();
    try {
      const output = path.join(await temp.make(), 'out');
      const run = await runCli(promoteArgs({ registry: double.uri, output }));
      expect(run.code).toBe(0);
      const record = await readJson<any>(path.join(output, 'promotion.json'));
      const model = double.models.get('sentiment')!;
      expect(model.aliases).toEqual({ champion: '2', production: '2' });
      expect(model.versions[1]!.tags).toMatchObject({
        'model_promote.production.status': 'succeeded',
        'model_promote.production.promotion_id': record.promotionId,
        'model_promote.production.pool': 'gpu-a100-80g',
        'model_promote.production.time': record.finishedAt,
      });
      expect(model.versions[0]!.tags['model_promote.production.status']).toBeUndefined();

      // The history reads it back: the next promotion of v1 knows production runs v2.
      const back = await runCli(promoteArgs({ registry: double.uri, output, version: '1' }));
      expect(back.code).toBe(0);
      const record1 = await readJson<any>(path.join(output, 'promotion.json'));
      expect(record1.stages.find((s: any) => s.name === 'fetch').detail).toMatch(/production runs v2/);
      expect(model.aliases.production).toBe('1');
    } finally {
      await double.stop();
    }
  });

  it('a token that may read but not write: promoted, with a warning, nothing written back', async () => {
    const double = await startMlflow({ readOnly: true });
    try {
      const output = path.join(await temp.make(), 'out');
      const run = await runCli(promoteArgs({ registry: double.uri, output }));
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/writing the promotion back to the registry: .*no permission/);
      expect(double.models.get('sentiment')!.aliases.production).toBeUndefined();
    } finally {
      await double.stop();
    }
  });
});
