import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PromotionError } from '../errors.js';
import { MemoryLogger } from '../logger.js';
import { compareVersions, FolderRegistry, resolveVersion } from './folder-registry.js';
import type { PromotionHistoryEntry } from './model-version.js';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** A registry folder with one model `m`: `versions` signed (a model.sig present), metadata files as given. */
async function registry(layout: {
  versions: string[];
  files?: Record<string, string>;
}): Promise<FolderRegistry> {
  root = await mkdtemp(path.join(tmpdir(), 'folder-registry-'));
  for (const version of layout.versions) {
    await mkdir(path.join(root, 'm', version), { recursive: true });
    await writeFile(path.join(root, 'm', version, 'model.sig'), '{}');
  }
  for (const [file, text] of Object.entries(layout.files ?? {}))
    await writeFile(path.join(root, 'm', file), text);
  return new FolderRegistry(root);
}

async function refusal(work: Promise<unknown>): Promise<PromotionError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PromotionError);
  return error as PromotionError;
}

const MODEL_YAML =
  'labels:\n  accelerator: nvidia\n  gpu-memory: 16Gi\naliases:\n  champion: "10"\n  stable: 2\n';

describe('FolderRegistry.resolve', () => {
  it.each([
    { name: 'a version number', ask: '2', version: '2', aliases: ['stable'] },
    { name: 'an alias (string target)', ask: 'champion', version: '10', aliases: ['champion'] },
    { name: 'an alias (numeric target in YAML)', ask: 'stable', version: '2', aliases: ['stable'] },
    {
      name: 'latest: the highest version, numerically (10 > 9)',
      ask: 'latest',
      version: '10',
      aliases: ['champion'],
    },
    { name: 'a version with no alias', ask: '9', version: '9', aliases: [] },
  ])('$name', async ({ ask, version, aliases }) => {
    const found = await (
      await registry({ versions: ['2', '9', '10'], files: { 'model.yaml': MODEL_YAML } })
    ).resolve('m', ask);
    expect(found).toMatchObject({ model: 'm', version, requested: ask, aliases, signatureName: 'model.sig' });
    expect(found.directory).toBe(path.join(root!, 'm', version));
    expect(found.signaturePath).toBe(path.join(root!, 'm', version, 'model.sig'));
  });

  it('merges labels: the version file wins over model.yaml', async () => {
    const reg = await registry({
      versions: ['1'],
      files: {
        'model.yaml': MODEL_YAML.replace(/aliases:[\s\S]*/, ''),
        '1.yaml': 'labels:\n  gpu-memory: 40Gi\n  size: 3\n',
      },
    });
    expect((await reg.resolve('m', '1')).labels).toEqual({
      accelerator: 'nvidia',
      'gpu-memory': '40Gi',
      size: '3',
    });
  });

  it('a version folder name wins over an alias of the same spelling', async () => {
    const reg = await registry({
      versions: ['1', 'champion'],
      files: { 'model.yaml': 'aliases:\n  champion: "1"\n' },
    });
    expect((await reg.resolve('m', 'champion')).version).toBe('champion');
  });

  it.each([
    {
      name: 'unknown model',
      model: 'other',
      ask: '1',
      code: 'unknown-model',
      kind: 'usage',
      message: /model "other" is not in registry/,
    },
    {
      name: 'model name with ..',
      model: '..',
      ask: '1',
      code: 'unknown-model',
      kind: 'usage',
      message: /not a valid folder name/,
    },
    {
      name: 'model name with /',
      model: 'm/../m',
      ask: '1',
      code: 'unknown-model',
      kind: 'usage',
      message: /not a valid folder name/,
    },
    {
      name: 'unknown version',
      model: 'm',
      ask: '3',
      code: 'unknown-version',
      kind: 'usage',
      message: /no version or alias "3"/,
    },
    {
      name: 'version escaping the model folder',
      model: 'm',
      ask: '../m/1',
      code: 'unknown-version',
      kind: 'usage',
      message: /no version or alias/,
    },
    {
      name: 'alias to a missing version',
      model: 'm',
      ask: 'broken',
      code: 'invalid-metadata',
      kind: 'usage',
      message: /points at version 7/,
    },
    {
      name: 'unsigned version',
      model: 'm',
      ask: 'unsigned',
      code: 'signature-missing',
      kind: 'refused',
      message: /has no signature/,
    },
  ])('$name: $code', async ({ model, ask, code, kind, message }) => {
    const reg = await registry({
      versions: ['1', '2'],
      files: { 'model.yaml': 'aliases:\n  broken: "7"\n  unsigned: u\n' },
    });
    await mkdir(path.join(root!, 'm', 'u'));
    const error = await refusal(reg.resolve(model, ask));
    expect({ code: error.code, kind: error.kind }).toEqual({ code, kind });
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });

  it.each([
    { name: 'YAML syntax', file: '1.yaml', text: 'labels: [a\n' },
    { name: 'unknown field', file: '1.yaml', text: 'lables: {}\n' },
    { name: 'labels not a map', file: 'model.yaml', text: 'labels: [a, b]\n' },
  ])('malformed metadata ($name) is invalid-metadata naming the file', async ({ file, text }) => {
    const error = await refusal(
      (await registry({ versions: ['1'], files: { [file]: text } })).resolve('m', '1'),
    );
    expect(error.code).toBe('invalid-metadata');
    expect(error.message).toContain(file);
  });

  it('a version that is a link to a folder inside the registry is followed, and the log says so; latest sees it', async () => {
    const reg = await registry({ versions: ['1'] });
    const store = path.join(root!, 'shared', 'm-v2');
    await mkdir(store, { recursive: true });
    await writeFile(path.join(store, 'model.sig'), '{}');
    await symlink(store, path.join(root!, 'm', '2'));
    const logger = new MemoryLogger();
    const linked = new FolderRegistry(root!, logger);
    const found = await linked.resolve('m', 'latest');
    expect(found.version).toBe('2');
    expect(found.directory).toBe(await realpath(store));
    expect(logger.lines).toEqual([
      expect.stringMatching(/^m version 2 is a symbolic link: reading it from .*shared\/m-v2$/),
    ]);
    expect((await reg.resolve('m', '2')).version).toBe('2');
  });

  it.each([
    {
      name: 'outside the registry',
      target: (outside: string) => outside,
      says: /outside the registry folder/,
    },
    {
      name: 'nowhere (broken)',
      target: (outside: string) => path.join(outside, 'gone'),
      says: /nothing \(a broken link\)/,
    },
  ])('a version linked $name is refused loudly, by latest too, never skipped', async ({ target, says }) => {
    const outside = await mkdtemp(path.join(tmpdir(), 'outside-'));
    try {
      const reg = await registry({ versions: ['1'] });
      await symlink(target(outside), path.join(root!, 'm', '2'));
      for (const ask of ['2', 'latest']) {
        const error = await refusal(reg.resolve('m', ask));
        expect(error).toMatchObject({ code: 'version-link-outside', kind: 'usage' });
        expect(error.message).toMatch(says);
        expect(error.hint).toContain('link it to a version folder inside');
      }
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('a missing registry folder is registry-not-found', async () => {
    const error = await refusal(new FolderRegistry('/nonexistent/registry').resolve('m', '1'));
    expect(error.code).toBe('registry-not-found');
  });
});

describe('FolderRegistry history', () => {
  const entry = (
    version: string,
    time: string,
    status: PromotionHistoryEntry['status'] = 'succeeded',
  ): PromotionHistoryEntry => ({
    promotionId: `p-${version}-${time}`,
    environment: 'production',
    version,
    status,
    time,
  });

  it('appends per version and reads all versions back oldest first', async () => {
    const reg = await registry({ versions: ['1', '2'] });
    const v1 = await reg.resolve('m', '1');
    const v2 = await reg.resolve('m', '2');
    await reg.recordPromotion(v2, entry('2', '2025-01-03T00:00:00Z', 'refused'));
    await reg.recordPromotion(v1, entry('1', '2025-01-01T00:00:00Z'));
    await reg.recordPromotion(v2, entry('2', '2025-01-02T00:00:00Z'));
    expect((await reg.history('m')).map((e) => [e.version, e.time, e.status])).toEqual([
      ['1', '2025-01-01T00:00:00Z', 'succeeded'],
      ['2', '2025-01-02T00:00:00Z', 'succeeded'],
      ['2', '2025-01-03T00:00:00Z', 'refused'],
    ]);
    const lines = (await readFile(path.join(root!, 'm', '2.promotions.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).time)).toEqual(['2025-01-03T00:00:00Z', '2025-01-02T00:00:00Z']);
  });

  it('history files are beside the version folder, never inside it (so never part of the signed model)', async () => {
    const reg = await registry({ versions: ['1'] });
    await reg.recordPromotion(await reg.resolve('m', '1'), entry('1', '2025-01-01T00:00:00Z'));
    await expect(readFile(path.join(root!, 'm', '1', '1.promotions.jsonl'))).rejects.toThrow();
    expect(await reg.history('m')).toHaveLength(1);
  });

  it('a line a crashed writer cut short is skipped with a warning, and the next line is whole', async () => {
    await registry({ versions: ['1'] });
    const logger = new MemoryLogger();
    const reg = new FolderRegistry(root!, logger);
    const file = path.join(root!, 'm', '1.promotions.jsonl');
    await writeFile(file, `${JSON.stringify(entry('1', '2025-01-01T00:00:00Z'))}\n{"promotionId": "p-cut`);
    await reg.recordPromotion(await reg.resolve('m', '1'), entry('1', '2025-01-02T00:00:00Z'));
    expect((await reg.history('m')).map((e) => e.time)).toEqual([
      '2025-01-01T00:00:00Z',
      '2025-01-02T00:00:00Z',
    ]);
    expect(logger.lines).toEqual(['warning: m/1.promotions.jsonl line 2 is not a promotion record: skipped']);
  });

  it('an empty history is []', async () => {
    expect(await (await registry({ versions: ['1'] })).history('m')).toEqual([]);
  });
});

describe('resolveVersion and compareVersions', () => {
  it.each([
    { name: 'numeric order', versions: ['9', '10', '2'], latest: '10' },
    { name: 'dotted numbers', versions: ['1.9', '1.10', '1.2'], latest: '1.10' },
    { name: 'single version', versions: ['a'], latest: 'a' },
  ])('latest with $name', ({ versions, latest }) => {
    expect(resolveVersion('m', 'latest', { aliases: {} }, versions)).toBe(latest);
  });

  it('an alias named latest wins over the highest version', () => {
    expect(resolveVersion('m', 'latest', { aliases: { latest: '1' } }, ['1', '2'])).toBe('1');
  });

  it('latest of no versions is unknown-version', () => {
    expect(() => resolveVersion('m', 'latest', { aliases: {} }, [])).toThrow(
      /has no version or alias "latest"/,
    );
  });

  it('sorts 2 < 9 < 10', () => {
    expect(['10', '9', '2'].sort(compareVersions)).toEqual(['2', '9', '10']);
  });
});
