import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCK_FILE, MARKER_FILE, OutputFolder } from './output-folder.js';
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

describe('OutputFolder.claim', () => {
  const refusal = async (
    out: OutputFolder,
  ): Promise<{ code?: string; kind?: string; message: string; hint?: string }> =>
    out.claim('p-2').then(
      () => ({ message: 'claimed' }),
      (error: { code?: string; kind?: string; message: string; hint?: string }) => error,
    );

  it('claims a new folder: creates it, marks it, locks it; release drops the lock', async () => {
    const out = await folder();
    await out.claim('p-1');
    expect(await ls(out.dir)).toEqual([MARKER_FILE, LOCK_FILE]);
    expect(JSON.parse(await readFile(path.join(out.dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      promotionId: 'p-1',
    });
    await out.release();
    expect(await ls(out.dir)).toEqual([MARKER_FILE]);
  });

  it.each([
    { name: 'an empty folder', files: [] as string[] },
    {
      name: 'a folder of what earlier versions wrote (no marker yet)',
      files: ['promotion.json', 'summary.md', 'image/x', 'manifests/y'],
    },
    { name: 'a marked folder with other files too', files: [MARKER_FILE, 'notes.txt'] },
  ])('claims $name', async ({ files }) => {
    const out = await folder();
    await mkdir(out.dir, { recursive: true });
    for (const file of files) await put(out.dir, file);
    await out.claim('p-1');
    expect(out.isClaimed).toBe(true);
  });

  it("refuses a folder of someone else's files, naming some, and leaves every file as it was", async () => {
    const out = await folder();
    for (const file of ['README.md', 'manifests/deployment.yaml', 'src/a.ts']) await put(out.dir, file);
    const error = await refusal(out);
    expect(error).toMatchObject({ code: 'output-folder-unusable', kind: 'usage' });
    expect(error.message).toBe(
      `output folder ${out.dir} holds files model-promote did not write (README.md, src); it replaces its image/ and manifests/ there`,
    );
    expect(error.hint).toContain('new or empty folder');
    expect(await ls(out.dir)).toEqual(['README.md', 'manifests', 'src']);
    expect(await readFile(path.join(out.dir, 'manifests/deployment.yaml'), 'utf8')).toBe(
      'manifests/deployment.yaml',
    );
  });

  it.each([
    {
      name: 'a file',
      arrange: async (out: OutputFolder) => put(path.dirname(out.dir), 'out'),
      says: /is a file, not a folder$/,
    },
    {
      name: 'a path under a file',
      arrange: async (out: OutputFolder) => put(path.dirname(out.dir), 'out'),
      under: 'x',
      says: /is under a file, not a folder$/,
    },
  ])('refuses $name', async ({ arrange, under, says }) => {
    const out = await folder();
    await arrange(out);
    const target = under ? new OutputFolder(path.join(out.dir, under)) : out;
    const error = await refusal(target);
    expect(error).toMatchObject({ code: 'output-folder-unusable', kind: 'usage' });
    expect(error.message).toMatch(says);
  });

  it.each(['/proc/self/x', '/sys/kernel/x', '/dev/shm/../x'])(
    'refuses %s at once (a kernel file system)',
    async (dir) => {
      const error = await refusal(new OutputFolder(dir));
      expect(error).toMatchObject({ code: 'output-folder-unusable', kind: 'usage' });
      expect(error.message).toMatch(/is under \/(proc|sys|dev), a kernel file system/);
    },
  );

  it('refuses a folder a live promotion holds, naming it; takes over the lock of one that is gone', async () => {
    const out = await folder();
    await mkdir(out.dir, { recursive: true });
    const lock = (pid: number) =>
      writeFile(
        path.join(out.dir, LOCK_FILE),
        JSON.stringify({ pid, startedAt: '2026-12-05T10:00:00Z', promotionId: 'p-first' }),
      );
    await lock(process.pid);
    const busy = await refusal(out);
    expect(busy).toMatchObject({ code: 'output-folder-busy', kind: 'usage' });
    expect(busy.message).toBe(
      `output folder ${out.dir} is being written by another promotion (p-first, process ${process.pid}, started 2026-12-05T10:00:00Z)`,
    );
    await lock(2 ** 22 + 12345); // above pid_max's default: no such process
    await out.claim('p-2');
    expect(JSON.parse(await readFile(path.join(out.dir, LOCK_FILE), 'utf8'))).toMatchObject({
      promotionId: 'p-2',
    });
  });
});
