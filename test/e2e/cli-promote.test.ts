/**
 * The demo promotion through the CLI, in-process: what it writes, what it prints, and that the
 * same model and pool give the same image digest run after run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  copyExampleRegistry,
  listFiles,
  listTop,
  promoteArgs,
  readJson,
  runCli,
  signatureSubject,
  TempDirs,
} from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the record is read back as plain JSON */
const temp = new TempDirs();
let registry: string;

beforeAll(async () => {
  registry = await copyExampleRegistry(await temp.make());
});
afterAll(() => temp.cleanup());

describe('model-promote promote (the demo)', () => {
  const cases = [
    { name: 'alias champion', version: 'champion', expectVersion: '2', pool: 'gpu-a100-80g' },
    { name: 'version 1', version: '1', expectVersion: '1', pool: 'gpu-l4-24g' },
    { name: 'alias stable', version: 'stable', expectVersion: '1', pool: 'gpu-l4-24g' },
    {
      name: 'latest (no alias: highest version)',
      version: 'latest',
      expectVersion: '2',
      pool: 'gpu-a100-80g',
    },
  ];

  it.each(cases)(
    '$name: promotes v$expectVersion to production/$pool',
    async ({ version, expectVersion, pool }) => {
      const output = path.join(await temp.make(), 'out');
      const run = await runCli(promoteArgs({ registry, output, version }));
      expect(run).toMatchObject({ code: 0, stdout: '' });

      expect(await listTop(output)).toEqual(['image', 'manifests', 'promotion.json', 'summary.md']);
      const imageFiles = await listFiles(path.join(output, 'image'));
      expect(imageFiles).toEqual(expect.arrayContaining(['index.json', 'oci-layout']));
      expect(imageFiles.filter((f) => f.startsWith('blobs/sha256/')).length).toBeGreaterThanOrEqual(3);
      expect(await listFiles(path.join(output, 'manifests'))).toContain('all.yaml');

      const record = await readJson<any>(path.join(output, 'promotion.json'));
      expect(record).toMatchObject({
        status: 'succeeded',
        dryRun: false,
        request: { model: 'sentiment', version, environment: 'production' },
        model: { name: 'sentiment', version: expectVersion, requested: version },
        environment: { name: 'production', pool },
        signature: { method: 'key', policies: ['environment production'] },
      });
      expect(record.error).toBeUndefined();
      // The cases run in order into one registry copy: each adds one success to production.
      expect(record.history).toEqual({
        environment: 'production',
        attempts: cases.findIndex((c) => c.version === version) + 1,
        succeeded: cases.findIndex((c) => c.version === version) + 1,
        refused: 0,
        failed: 0,
        successRate: 1,
        medianSeconds: expect.any(Number),
        p95Seconds: expect.any(Number),
        succeededWithoutDuration: 0,
        lastSuccess: record.finishedAt,
        sinceLastSuccessSeconds: 0,
      });
      expect(record.model.digest).toBe(
        await signatureSubject(path.join(registry, 'sentiment', expectVersion, 'model.sig')),
      );
      expect(record.stages.map((s: any) => [s.name, s.outcome])).toEqual(
        ['configure', 'fetch', 'verify', 'schema', 'resolve', 'plan', 'build', 'manifests'].map((name) => [
          name,
          'ok',
        ]),
      );
      // The example model declares its interface in config.json.
      expect(record.compatibility).toMatchObject({ next: { file: 'config.json' }, breaking: [] });
      expect(record.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(record.image.reference).toMatch(new RegExp(`^oci-layout:.*@${record.image.digest}$`));
      const index = await readJson<any>(path.join(output, 'image/index.json'));
      expect(index.manifests.map((m: any) => m.digest)).toEqual(
        expect.arrayContaining([record.image.digest]),
      );

      const summary = await readFile(path.join(output, 'summary.md'), 'utf8');
      expect(summary).toContain('✅ promoted');
      expect(summary).toContain(`\`${pool}\``);
      expect(summary).toContain(record.model.digest);
      expect(run.stderr).toContain(`succeeded: sentiment v${expectVersion} -> production`);
    },
  );

  it('--json prints exactly the record on stdout; logs go to stderr', async () => {
    const output = path.join(await temp.make(), 'out');
    const run = await runCli(promoteArgs({ registry, output }, '--json'));
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toEqual(await readJson(path.join(output, 'promotion.json')));
    expect(printed.status).toBe('succeeded');
    expect(run.stderr).toMatch(/^── configure$/m);
    expect(run.stderr).toContain('verify: 4 files match');
  });

  it('--dry-run writes the record, summary and manifests (no image), status planned, and prints the plan', async () => {
    const output = path.join(await temp.make(), 'out');
    const historyBefore = await listFiles(registry);
    const run = await runCli(promoteArgs({ registry, output }, '--dry-run', '--json'));
    expect(run.code).toBe(0);
    expect(await listTop(output)).toEqual(['manifests', 'promotion.json', 'summary.md']);
    const record = await readJson<any>(path.join(output, 'promotion.json'));
    expect(record).toMatchObject({ status: 'planned', dryRun: true, environment: { pool: 'gpu-a100-80g' } });
    expect(JSON.parse(run.stdout)).toEqual(record);
    expect(run.stderr).toMatch(/^plan: promote sentiment v2 \(sha256:[0-9a-f]{64}\) to production$/m);
    expect(run.stderr).toContain('pool gpu-a100-80g in namespace models-prod');
    expect(await readFile(path.join(output, 'summary.md'), 'utf8')).toContain('planned (dry run');
    expect(await listFiles(registry)).toEqual(historyBefore); // a plan writes no history
    // The plan names the exact image and objects a real run makes (the build is deterministic);
    // it writes the manifests for review, and no image.
    const real = await runCli(
      promoteArgs({ registry, output: path.join(await temp.make(), 'out') }, '--json'),
    );
    const applied = JSON.parse(real.stdout);
    expect(record.image.digest).toBe(applied.image.digest);
    expect(record.image.layoutPath).toBeUndefined();
    expect(record.manifests.objects).toEqual(applied.manifests.objects);
    expect(record.manifests.path).toBe(path.join(output, 'manifests'));
    expect(await listTop(path.join(output, 'manifests'))).toEqual(
      await listTop(path.join(applied.request.output, 'manifests')),
    );
    expect(await readFile(path.join(output, 'manifests/all.yaml'), 'utf8')).toContain(record.image.digest);
    expect(record.stages.find((s: any) => s.name === 'build').detail).toContain('dry run: nothing written');
  });

  it('--dry-run after a promotion leaves no image/ of the earlier run, and its own manifests', async () => {
    const output = path.join(await temp.make(), 'out');
    expect((await runCli(promoteArgs({ registry, output }))).code).toBe(0);
    expect((await runCli(promoteArgs({ registry, output }, '--dry-run'))).code).toBe(0);
    expect(await listTop(output)).toEqual(['manifests', 'promotion.json', 'summary.md']);
    const { promotionId } = await readJson<any>(path.join(output, 'promotion.json'));
    expect(await readFile(path.join(output, 'manifests/all.yaml'), 'utf8')).toContain(promotionId);
  });

  it('writes the promotion into the registry history', async () => {
    const run = await runCli(['history', '--registry', registry, '--model', 'sentiment', '--json']);
    expect(run.code).toBe(0);
    const { entries, stats } = JSON.parse(run.stdout) as { entries: any[]; stats: any };
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => typeof e.durationSeconds === 'number')).toBe(true);
    expect(stats.environments).toEqual([
      expect.objectContaining({
        environment: 'production',
        attempts: entries.length,
        succeeded: entries.filter((e) => e.status === 'succeeded').length,
        succeededWithoutDuration: 0,
      }),
    ]);
    expect(entries.every((e) => e.environment === 'production')).toBe(true);
    expect(entries.filter((e) => e.status === 'succeeded').map((e) => e.pool)).toEqual(
      expect.arrayContaining(['gpu-a100-80g', 'gpu-l4-24g']),
    );
  });
});

describe('determinism', () => {
  const cases = [
    { name: 'champion, epoch 0', version: 'champion', epoch: '0' },
    { name: 'version 1, SOURCE_DATE_EPOCH 1700000000', version: '1', epoch: '1700000000' },
  ];

  it.each(cases)(
    '$name: two runs into two folders give the same image digest and layout bytes',
    async ({ version, epoch }) => {
      const saved = process.env.SOURCE_DATE_EPOCH;
      process.env.SOURCE_DATE_EPOCH = epoch;
      try {
        const outputs = [path.join(await temp.make(), 'a'), path.join(await temp.make(), 'b')];
        const records: any[] = [];
        for (const output of outputs) {
          expect((await runCli(promoteArgs({ registry, output, version }))).code).toBe(0);
          records.push(await readJson(path.join(output, 'promotion.json')));
        }
        expect(records[0].image.digest).toBe(records[1].image.digest);
        expect(records[0].promotionId).not.toBe(records[1].promotionId);
        const blobs = await Promise.all(outputs.map((o) => listFiles(path.join(o, 'image'))));
        expect(blobs[0]).toEqual(blobs[1]);
        const config = await readJson<any>(
          path.join(
            outputs[0]!,
            'image/blobs/sha256',
            await configDigest(outputs[0]!, records[0].image.digest),
          ),
        );
        expect(config.created).toBe(new Date(Number(epoch) * 1000).toISOString().replace('.000Z', 'Z'));
      } finally {
        if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
        else process.env.SOURCE_DATE_EPOCH = saved;
      }
    },
  );

  it('a different SOURCE_DATE_EPOCH gives a different digest (the timestamp is in the image)', async () => {
    const digests: string[] = [];
    for (const epoch of ['0', '1700000000']) {
      const output = path.join(await temp.make(), 'out');
      expect((await runCli(promoteArgs({ registry, output }, '--source-date-epoch', epoch))).code).toBe(0);
      digests.push((await readJson<any>(path.join(output, 'promotion.json'))).image.digest);
    }
    expect(digests[0]).not.toBe(digests[1]);
  });
});

async function configDigest(output: string, manifestDigest: string): Promise<string> {
  const manifest = await readJson<any>(
    path.join(output, 'image/blobs/sha256', manifestDigest.replace('sha256:', '')),
  );
  return (manifest.config.digest as string).replace('sha256:', '');
}
