/**
 * A promotion that cannot start (an input missing or malformed) still reports: status, the summary
 * with what was wrong and the fix, the record in the output folder, GitLab's dotenv report. Run
 * through the CLI platform as a GitLab job uses it; the exit code is unchanged (2).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InputName } from './inputs.js';
import { cliPlatform } from './platform/cli-platform.js';
import type { PromotionRecord } from './report/promotion-record.js';
import { dotenvVariables } from './platform/gitlab-dotenv.js';
import { outputsOf, runPromotion } from './run-promotion.js';
import { promotionRecord } from '../test/telemetry/record-fixture.js';

const REPO = path.resolve(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function run(given: Partial<Record<InputName, string>>, arrange?: (output: string) => Promise<void>) {
  const root = await mkdtemp(path.join(tmpdir(), 'run-promotion-'));
  dirs.push(root);
  const output = path.join(root, 'out');
  await arrange?.(output);
  const inputs: Partial<Record<InputName, string>> = {
    registry: 'examples/registry',
    model: 'sentiment',
    version: 'champion',
    environment: 'production',
    catalog: 'examples/catalog.yaml',
    output,
    comment: 'false',
    ...given,
  };
  const lines: string[] = [];
  const records: PromotionRecord[] = [];
  const dotenv = path.join(root, 'model-promote.env');
  const platform = cliPlatform({
    readInput: (name) => inputs[name],
    verbose: true,
    write: (line) => lines.push(line),
    env: { GITLAB_CI: 'true', MODEL_PROMOTE_DOTENV: dotenv },
  });
  const code = await runPromotion(platform, { cwd: REPO, onRecord: (record) => records.push(record) });
  const outputs = Object.fromEntries(
    lines.flatMap((line) => {
      const match = /^output ([\w-]+)=(.*)$/.exec(line);
      return match ? [[match[1]!, match[2]!]] : [];
    }),
  );
  return { code, lines, records, outputs, output, dotenv: await readFile(dotenv, 'utf8').catch(() => '') };
}

describe('a promotion that cannot start still reports', () => {
  it.each([
    { name: 'a missing input', given: { model: '' }, message: 'input model is required', fix: 'set model' },
    {
      name: 'a bad boolean',
      given: { 'dry-run': 'yes' },
      message: 'dry-run must be true or false, not "yes"',
      fix: 'set dry-run to true or false',
    },
    {
      name: 'an unknown environment',
      given: { environment: 'prod' },
      message: 'unknown environment "prod"',
      fix: 'choose one of',
    },
  ])('$name: exit 2, status failed everywhere, the summary says what and how to fix it', async (c) => {
    const run1 = await run(c.given);
    expect(run1.code).toBe(2);
    expect(run1.lines).toContainEqual(expect.stringMatching(new RegExp(`^error: .*Fix: ${c.fix}`)));
    expect(run1.outputs).toMatchObject({
      status: 'failed',
      'record-path': path.join(run1.output, 'promotion.json'),
      image: '',
      digest: '',
    });
    expect(JSON.parse(run1.outputs.metadata!)).toMatchObject({ status: 'failed', image: null });
    expect(run1.dotenv).toMatch(/^MODEL_PROMOTE_STATUS=failed$/m);
    const [record] = run1.records;
    expect(record).toMatchObject({ status: 'failed', error: { kind: 'usage' } });
    expect(record!.error!.message).toContain(c.message);
    expect(JSON.parse(await readFile(path.join(run1.output, 'promotion.json'), 'utf8'))).toEqual(record);
    const summary = await readFile(path.join(run1.output, 'summary.md'), 'utf8');
    expect(summary).toContain('❌ failed');
    expect(summary).toContain(c.message);
    expect(summary).toMatch(new RegExp(`^> Fix: ${c.fix}`, 'm'));
  });

  it("an earlier run's artifacts are removed: the folder describes the last promotion", async () => {
    const { output } = await run({ model: '' }, async (out) => {
      await mkdir(path.join(out, 'manifests'), { recursive: true });
      await writeFile(path.join(out, 'manifests/all.yaml'), 'kind: Deployment\n');
      await writeFile(path.join(out, '.model-promote'), '');
    });
    expect((await readdir(output)).sort()).toEqual(['.model-promote', 'promotion.json', 'summary.md']);
  });

  it('outside text in an input is shown on one line, escaped', async () => {
    const { records, output } = await run({ model: 'a\n::error::forged', environment: '' });
    expect(records[0]!.request.model).toBe('a ::error::forged');
    const summary = await readFile(path.join(output, 'summary.md'), 'utf8');
    expect(summary.split('\n')[0]).toBe(
      '### Model promotion: `a ::error::forged` champion → _(no environment)_: ❌ failed',
    );
  });

  it("a folder of someone else's files is not written: no record, record-path empty", async () => {
    const { outputs, output, code } = await run({ model: '' }, async (out) => {
      await mkdir(out, { recursive: true });
      await writeFile(path.join(out, 'notes.txt'), 'mine');
    });
    expect(code).toBe(2);
    expect(outputs).toMatchObject({ status: 'failed', 'record-path': '' });
    expect(await readdir(output)).toEqual(['notes.txt']);
  });
});

describe('outputs of a dry run', () => {
  it('name no image (none was built) but the digest a promotion will build, and the manifests written', () => {
    const planned = promotionRecord({
      status: 'planned',
      dryRun: true,
      manifests: { path: 'out/x/manifests', objects: ['Deployment/sentiment'] },
    });
    expect(outputsOf(planned)).toMatchObject({
      status: 'planned',
      image: '',
      digest: 'sha256:bb',
      'manifests-path': 'out/x/manifests',
    });
    expect(JSON.parse(outputsOf(planned).metadata)).toMatchObject({ image: null, digest: 'sha256:bb' });
    expect(dotenvVariables(planned)).toMatchObject({
      MODEL_PROMOTE_IMAGE: '',
      MODEL_PROMOTE_IMAGE_DIGEST: 'sha256:bb',
    });
    // The same record promoted for real names its image.
    expect(outputsOf({ ...planned, dryRun: false }).image).toBe('oci-layout:out/x/image@sha256:bb');
  });
});
