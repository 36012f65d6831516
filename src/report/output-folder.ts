/**
 * The output folder always describes exactly one promotion: the last one. Artifacts (image layout,
 * manifests) are built in a staging folder beside them and moved into place only when the whole
 * promotion succeeded; a refused or failed promotion leaves only its record and summary, and
 * removes the artifacts of an earlier run so nobody mistakes them for this one's.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PromotionRecord } from './promotion-record.js';

export const ARTIFACTS = ['image', 'manifests'] as const;
export type Artifact = (typeof ARTIFACTS)[number];

export class OutputFolder {
  constructor(readonly dir: string) {}

  recordPath(): string {
    return path.join(this.dir, 'promotion.json');
  }

  summaryPath(): string {
    return path.join(this.dir, 'summary.md');
  }

  /** Final place of an artifact, as it will be named in the record. */
  artifactPath(artifact: Artifact): string {
    return path.join(this.dir, artifact);
  }

  async createStaging(): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return mkdtemp(path.join(this.dir, '.staging-'));
  }

  /** Moves each staged artifact into place, replacing the previous run's. */
  async commit(staging: string): Promise<void> {
    for (const artifact of ARTIFACTS) {
      await rm(this.artifactPath(artifact), { recursive: true, force: true });
      await rename(path.join(staging, artifact), this.artifactPath(artifact)).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        },
      );
    }
    await rm(staging, { recursive: true, force: true });
  }

  async discard(staging: string | undefined): Promise<void> {
    if (staging) await rm(staging, { recursive: true, force: true });
    for (const artifact of ARTIFACTS) await rm(this.artifactPath(artifact), { recursive: true, force: true });
  }

  async writeReport(record: PromotionRecord, summaryMarkdown: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(this.recordPath(), `${JSON.stringify(record, null, 2)}\n`);
    await writeAtomically(this.summaryPath(), summaryMarkdown);
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}
