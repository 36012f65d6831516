/**
 * The OCI registry as a model registry on an OCI 1.1 registry with the Referrers API (olareg):
 * publish a ModelPack version, read it back with skopeo and regctl (the signature is a referrer
 * the registry lists, with no fallback tag), promote it from `oci://` through the CLI, and read the
 * promotion record back through `history`. The same flow on docker-registry 2.8 (tag fallback) is
 * oci-model-registry.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { toolPath } from '../control-plane/tools.js';
import {
  EXAMPLE_CATALOG,
  EXAMPLES,
  errorLines,
  execFileAsync,
  promoteArgs,
  readJson,
  runCli,
  TempDirs,
} from '../e2e/helpers.js';
import { startReferrersRegistry, type TestRegistry } from '../registry/registry-server.js';
import { runPublish } from './helpers.js';

const SIGSTORE_BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const temp = new TempDirs();
let registry: TestRegistry;
let uri: string;

beforeAll(async () => {
  registry = await startReferrersRegistry();
  uri = `oci://${registry.host}/models/sentiment`;
});
afterAll(async () => {
  await registry?.stop();
  await temp.cleanup();
});

/** The repository's tags, as skopeo lists them. */
const tags = async () =>
  (
    JSON.parse(
      (
        await execFileAsync('skopeo', [
          'list-tags',
          '--tls-verify=false',
          `docker://${registry.host}/models/sentiment`,
        ])
      ).stdout,
    ) as { Tags: string[] }
  ).Tags;

const regctl = (...args: string[]) =>
  execFileAsync(toolPath('regctl'), ['--host', `reg=${registry.host},tls=disabled`, ...args]);

describe('oci:// model registry (ModelPack on olareg, with the Referrers API)', () => {
  it('publishes; skopeo reads the ModelPack manifest and regctl lists the signature as a referrer', async () => {
    const run = await runPublish([
      path.join(EXAMPLES, 'registry/sentiment/2'),
      '--registry', uri, '--model', 'sentiment', '--version', '2', '--alias', 'champion',
      '--label', 'workload=online-inference', '--label', 'accelerator=nvidia', '--label', 'gpu-memory=40Gi',
      '--format', 'safetensors', '--json',
    ]); // prettier-ignore
    expect(run.code).toBe(0);
    const published = JSON.parse(run.stdout) as { reference: string };
    const digest = published.reference.split('@')[1] as string;

    const { stdout } = await execFileAsync('skopeo', [
      'inspect', '--tls-verify=false', '--raw', `docker://${registry.host}/models/sentiment:champion`,
    ]); // prettier-ignore
    expect(JSON.parse(stdout).artifactType).toBe('application/vnd.cncf.model.manifest.v1+json');

    const listed = JSON.parse(
      (
        await regctl(
          'artifact',
          'list',
          `${registry.host}/models/sentiment@${digest}`,
          '--format',
          '{{json .}}',
        )
      ).stdout,
    ) as { descriptors?: Array<{ artifactType?: string }> };
    expect(listed.descriptors?.map((d) => d.artifactType)).toEqual([SIGSTORE_BUNDLE]);

    expect((await tags()).sort()).toEqual(['2', 'champion']);
  });

  it('promotes from it, and the promotion record it attaches is read back by history', async () => {
    const output = path.join(await temp.make(), 'out');
    const cache = await temp.make('mp-cache-');
    const run = await runCli(
      promoteArgs({ registry: uri, output, catalog: EXAMPLE_CATALOG }, '--cache-dir', cache),
    );
    expect(errorLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    const record = await readJson<{ status: string; model: { version: string } }>(
      path.join(output, 'promotion.json'),
    );
    expect(record).toMatchObject({ status: 'succeeded', model: { version: '2' } });

    const history = await runCli(['history', '--registry', uri, '--model', 'sentiment', '--json']);
    expect(history.code).toBe(0);
    const { entries, stats } = JSON.parse(history.stdout);
    expect(entries).toEqual([
      expect.objectContaining({
        environment: 'production',
        version: '2',
        status: 'succeeded',
        durationSeconds: expect.any(Number),
      }),
    ]);
    expect(stats.environments).toEqual([
      expect.objectContaining({ environment: 'production', attempts: 1, successRate: 1 }),
    ]);
    // Still no fallback tags: the record is a referrer the registry lists.
    expect((await tags()).filter((t) => t.startsWith('sha256-'))).toEqual([]);
  });
});
