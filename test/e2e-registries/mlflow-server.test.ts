/**
 * Promotions from the real MLflow tracking server (SQLite backend store, artifact serving), with
 * the example versions registered by the MLflow Python client as users register them: files as
 * run artifacts, labels as version tags, aliases. Then, through the CLI: by alias and by version,
 * the write-back read through the Python client (tags and the environment alias), `history`
 * agreeing with it, a missing alias named with the aliases there are, and the schema gate reading
 * a version's interface through a byte-counting proxy without its weights. The MLflow double
 * (test/doubles) stays for faults the real server will not produce.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  EXAMPLES,
  errorLines,
  promoteArgs,
  readJson,
  runCli,
  TempDirs,
  writeSparseSafetensors,
} from '../e2e/helpers.js';
import { MemoryLogger } from '../../src/logger.js';
import { DownloadCache } from '../../src/registry/download-cache.js';
import { openMlflowRegistry } from '../../src/registry/mlflow-registry.js';
import { extractInterface, listedFiles } from '../../src/schema/index.js';
import { startMlflowServer, type MlflowServer } from '../mlflow/mlflow-server.js';
import { startFaultProxy } from '../registry/fault-proxy.js';
import { setRegistryEnv } from './helpers.js';

const temp = new TempDirs();
const MiB = 1024 * 1024;
const restoreEnv = setRegistryEnv({
  MLFLOW_TRACKING_TOKEN: undefined,
  MLFLOW_TRACKING_USERNAME: undefined,
  MLFLOW_TRACKING_PASSWORD: undefined,
});
let server: MlflowServer;
const SENTIMENT = path.join(EXAMPLES, 'registry/sentiment');

/** The folder registry's labels of a version (model-wide, then the version's own). */
async function labelsOf(version: string): Promise<Record<string, string>> {
  const read = async (file: string) =>
    (parseYaml(await readFile(path.join(SENTIMENT, file), 'utf8')) as { labels?: Record<string, string> })
      .labels ?? {};
  return { ...(await read('model.yaml')), ...(await read(`${version}.yaml`)) };
}

beforeAll(async () => {
  server = await startMlflowServer();
  for (const [version, alias] of [
    ['1', 'stable'],
    ['2', 'champion'],
  ] as const) {
    const registered = await server.register(
      'sentiment',
      path.join(SENTIMENT, version),
      await labelsOf(version),
      alias,
    );
    expect(registered).toBe(version);
  }
}, 180_000);
afterAll(async () => {
  restoreEnv();
  await server?.stop();
  await temp.cleanup();
});

describe('promote from the real MLflow server', () => {
  it('by alias: verified, the pool chosen from the version tags, the promotion written back', async () => {
    const output = path.join(await temp.make(), 'out');
    const cache = path.join(await temp.make(), 'cache');
    const run = await runCli(promoteArgs({ registry: server.registry, output }, '--cache-dir', cache));
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    const record = await readJson<{
      promotionId: string;
      finishedAt: string;
      model: { version: string; requested: string; labels: Record<string, string> };
      environment: { pool: string };
    }>(path.join(output, 'promotion.json'));
    expect(record).toMatchObject({
      model: { version: '2', requested: 'champion', labels: { 'gpu-memory': '40Gi', accelerator: 'nvidia' } },
      environment: { pool: 'gpu-a100-80g' },
    });
    const shown = await server.show('sentiment');
    expect(shown.aliases).toEqual({ stable: '1', champion: '2', production: '2' });
    expect(shown.versions['2']?.tags).toMatchObject({
      'model_promote.production.status': 'succeeded',
      'model_promote.production.promotion_id': record.promotionId,
      'model_promote.production.pool': 'gpu-a100-80g',
    });
    expect(shown.versions['2']?.status).toBe('READY');
  });

  it('by version: v1 replaces v2 in production; history agrees with what MLflow shows', async () => {
    const output = path.join(await temp.make(), 'out');
    const run = await runCli(promoteArgs({ registry: server.registry, output, version: '1' }));
    expect(run.code).toBe(0);
    const record = await readJson<{
      stages: Array<{ name: string; detail: string }>;
      history?: { attempts: number; successRate: number };
    }>(path.join(output, 'promotion.json'));
    const fetch = record.stages.find((s) => s.name === 'fetch');
    expect(fetch?.detail).toMatch(/production runs v2/);
    const shown = await server.show('sentiment');
    expect(shown.aliases.production).toBe('1');

    const history = await runCli([
      'history',
      '--registry',
      server.registry,
      '--model',
      'sentiment',
      '--json',
    ]);
    expect(history.code).toBe(0);
    const { entries, stats } = JSON.parse(history.stdout) as {
      entries: Array<{ version: string; environment: string; status: string; promotionId?: string }>;
      stats: {
        historyKeeps: string;
        environments: Array<{ environment: string; attempts: number; successRate: number }>;
      };
    };
    // The record's figures, computed from the history read at fetch plus this promotion, are
    // those of the history MLflow now holds (one entry per version and environment).
    expect(stats.historyKeeps).toBe('latest-per-version');
    const production = stats.environments.find((e) => e.environment === 'production');
    expect(record.history).toMatchObject({
      attempts: production?.attempts,
      successRate: production?.successRate,
    });
    expect(shown.versions['1']?.tags['model_promote.production.duration_seconds']).toMatch(/^\d+(\.\d+)?$/);
    const fromMlflow = Object.entries(shown.versions)
      .filter(([, v]) => v.tags['model_promote.production.status'])
      .map(([version, v]) => ({
        version,
        environment: 'production',
        status: v.tags['model_promote.production.status'],
        promotionId: v.tags['model_promote.production.promotion_id'],
      }));
    expect(
      entries
        .map(({ version, environment, status, promotionId }) => ({
          version,
          environment,
          status,
          promotionId,
        }))
        .sort((a, b) => a.version.localeCompare(b.version)),
    ).toEqual(fromMlflow.sort((a, b) => a.version.localeCompare(b.version)));
  });

  it("the schema gate reads a version's interface without its weights: bytes counted at the socket", async () => {
    const folder = await temp.make();
    const headerLength = await writeSparseSafetensors(path.join(folder, 'model.safetensors'), 64 * MiB);
    await writeFile(path.join(folder, 'model.sig'), '{}');
    const version = await server.register('big-interface', folder, {});
    const proxy = await startFaultProxy(Number(new URL(server.url).port));
    try {
      const registry = openMlflowRegistry(`mlflow+http://${proxy.host}`, {
        env: {},
        logger: new MemoryLogger(),
        cache: new DownloadCache(await temp.make()),
      });
      const listing = await registry.listVersion('big-interface', version);
      const found = await extractInterface(
        listedFiles(listing.label, listing.files, listing.signatureName, folder),
      );
      expect(found).toMatchObject({
        source: 'safetensors',
        tensors: [{ name: 'w', dtype: 'float32', shape: [16, 1048576] }],
      });
      // The server may have buffered some megabytes into the socket before the client closed it,
      // never the 64 MiB of weights.
      expect(proxy.counts.bytesDown).toBeGreaterThan(headerLength);
      expect(proxy.counts.bytesDown).toBeLessThan(16 * MiB);
    } finally {
      await proxy.stop();
    }
  });

  it('a missing alias is refused, naming the aliases there are; nothing is written', async () => {
    const output = path.join(await temp.make(), 'out');
    const run = await runCli(promoteArgs({ registry: server.registry, output, version: 'canary' }));
    expect(run.code).not.toBe(0);
    expect(errorLines(run.stderr).join('\n')).toMatch(/canary.*(champion|stable|production)/);
    const shown = await server.show('sentiment');
    expect(Object.keys(shown.aliases).sort()).toEqual(['champion', 'production', 'stable']);
  });
});
