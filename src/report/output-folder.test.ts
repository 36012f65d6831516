import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OutputFolder } from './output-folder.js';
import type { PromotionRecord } from './promotion-record.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function folder(): Promise<OutputFolder> {
  dir = await mkdtemp(path.join(tmpdir(), 'output-folder-'));
  return new OutputFolder(path.join(dir, 'out'));
}

/** Writes `name` under `base` (creating folders). */
async function put(base: string, name: string, text = name): Promise<void> {
  await mkdir(path.dirname(path.join(base, name)), { recursive: true });
  await writeFile(path.join(base, name), text);
}

const ls = async (p: string) => (await readdir(p).catch(() => [] as string[])).sort();

describe('OutputFolder', () => {
  it('commit moves staged artifacts into place, replacing the earlier run, and removes the staging folder', async () => {
    const out = await folder();
    await put(out.dir, 'image/old-blob');
    await put(out.dir, 'manifests/old.yaml');
    const staging = await out.createStaging();
    expect(path.dirname(staging)).toBe(out.dir);
    await put(staging, 'image/index.json');
    await put(staging, 'manifests/all.yaml');
    await out.commit(staging);
    expect(await ls(out.dir)).toEqual(['image', 'manifests']);
    expect(await ls(out.artifactPath('image'))).toEqual(['index.json']);
    expect(await ls(out.artifactPath('manifests'))).toEqual(['all.yaml']);
  });

  it('commit of a staging folder without manifests removes the earlier manifests', async () => {
    const out = await folder();
    await put(out.dir, 'manifests/old.yaml');
    const staging = await out.createStaging();
    await put(staging, 'image/index.json');
    await out.commit(staging);
    expect(await ls(out.dir)).toEqual(['image']);
  });

  it.each([
    { name: 'with a staging folder', staged: true },
    { name: 'without one (refused before staging)', staged: false },
  ])('discard $name removes staged and earlier artifacts, keeping the report', async ({ staged }) => {
    const out = await folder();
    await put(out.dir, 'image/old-blob');
    await put(out.dir, 'manifests/old.yaml');
    await put(out.dir, 'promotion.json');
    const staging = staged ? await out.createStaging() : undefined;
    if (staging) await put(staging, 'image/new-blob');
    await out.discard(staging);
    expect(await ls(out.dir)).toEqual(['promotion.json']);
  });

  it('writeReport writes promotion.json and summary.md (creating the folder), no temporary files left', async () => {
    const out = await folder();
    const record = { promotionId: 'p-1', status: 'refused' } as unknown as PromotionRecord;
    await out.writeReport(record, '### summary\n');
    expect(await ls(out.dir)).toEqual(['promotion.json', 'summary.md']);
    expect(JSON.parse(await readFile(out.recordPath(), 'utf8'))).toEqual(record);
    expect(await readFile(out.summaryPath(), 'utf8')).toBe('### summary\n');
  });
});
