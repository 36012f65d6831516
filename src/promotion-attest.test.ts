/**
 * A failed attestation fails the promotion (status, error, exit code, outputs and the registry's
 * history say so) without undoing what was deployed: the image and manifests stay.
 *
 * The signers here are test doubles: one stands in for a signing service (Fulcio, a timestamp
 * authority) that cannot be reached, which no real component here can be made to be on cue; the
 * other counts calls, for a dry run that must sign nothing.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { access, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PromotionError } from './errors.js';
import { parsePromotionInputs, type InputName } from './inputs.js';
import { silentLogger } from './logger.js';
import { promote } from './promote.js';
import { outputsOf } from './run-promotion.js';

const REPO = path.resolve(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('a failed attestation', () => {
  it('fails the promotion, is recorded and written back as failed, and keeps the deployed image', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'promotion-attest-'));
    dirs.push(root);
    const registry = path.join(root, 'registry');
    await cp(path.join(REPO, 'examples', 'registry'), registry, {
      recursive: true,
      filter: (source) => !source.endsWith('.promotions.jsonl'),
    });
    const given: Partial<Record<InputName, string>> = {
      registry,
      model: 'sentiment',
      version: 'champion',
      environment: 'production',
      catalog: path.join(REPO, 'examples', 'catalog.yaml'),
      output: path.join(root, 'out'),
      attest: 'true',
    };
    const unreachable = new PromotionError(
      'failed',
      'signing-service-unreachable',
      'signing the attestation: https://fulcio.example did not answer',
    );
    const { record, error } = await promote(
      parsePromotionInputs((name) => given[name], {}),
      {
        logger: silentLogger,
        cwd: root,
        env: {},
        attestation: { method: 'keyless', sign: () => Promise.reject(unreachable) },
      },
    );

    expect(error?.code).toBe('signing-service-unreachable');
    expect(error?.exitCode).toBe(1);
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ kind: 'failed', code: 'signing-service-unreachable' });
    expect(record.stages.at(-1)).toMatchObject({ name: 'attestation', outcome: 'failed' });
    expect(record.attestations?.promotion).toBeUndefined();
    expect(outputsOf(record).status).toBe('failed');
    // What runs is kept: the image and manifests the deploy used are not removed.
    await expect(access(path.join(root, 'out', 'image', 'index.json'))).resolves.toBeUndefined();
    await expect(access(path.join(root, 'out', 'manifests', 'all.yaml'))).resolves.toBeUndefined();
    await expect(access(path.join(root, 'out', 'attestation.sigstore.json'))).rejects.toThrow();
    // The registry's history says the promotion failed, and why.
    const history = (
      await readFile(path.join(registry, 'sentiment', `${record.model!.version}.promotions.jsonl`), 'utf8')
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string; reason?: string });
    expect(history.at(-1)).toMatchObject({ status: 'failed', reason: unreachable.message });
  });

  it('is skipped by a dry run, last in the record, and nothing is signed', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'promotion-attest-'));
    dirs.push(root);
    const given: Partial<Record<InputName, string>> = {
      registry: path.join(REPO, 'examples', 'registry'),
      model: 'sentiment',
      version: 'champion',
      environment: 'production',
      catalog: path.join(REPO, 'examples', 'catalog.yaml'),
      output: path.join(root, 'out'),
      attest: 'true',
      'dry-run': 'true',
    };
    let signed = 0;
    const { record, error } = await promote(
      parsePromotionInputs((name) => given[name], {}),
      {
        logger: silentLogger,
        cwd: root,
        env: {},
        attestation: {
          method: 'key',
          sign: () => {
            signed++;
            return Promise.reject(new Error('a dry run signs nothing'));
          },
        },
      },
    );
    expect(error).toBeUndefined();
    expect(record.status).toBe('planned');
    expect(record.stages.at(-1)).toMatchObject({ name: 'attestation', outcome: 'skipped' });
    expect(signed).toBe(0);
  });
});
