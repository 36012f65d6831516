import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { listModelFiles } from './serialize-list.js';

let scratch: string;
let count = 0;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'serialize-list-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A fresh model folder holding `files` (path -> content). */
async function model(files: Record<string, string>): Promise<string> {
  const dir = join(scratch, `m${count++}`);
  await mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

const tree = {
  'a/x': '1',
  'a/y/z': '22',
  ab: '333',
  'a-c': '',
  '.hidden': 'h',
  '.git/config': 'g',
  '.github/workflows/ci.yml': 'w',
  '.gitignore': '',
  '.gitattributes': '',
  'model.sig': '{}',
  'sig.json': '{}',
  'ignore-me': '',
  'notes/README.md': '#',
};

describe('listModelFiles', () => {
  it.each([
    {
      label: 'defaults',
      ignorePaths: [],
      signatureName: undefined,
      expected: ['.hidden', 'a/x', 'a/y/z', 'a-c', 'ab', 'ignore-me', 'notes/README.md', 'sig.json'],
    },
    {
      label: 'a folder and what lies under it, not its prefix',
      ignorePaths: ['a'],
      signatureName: undefined,
      expected: ['.hidden', 'a-c', 'ab', 'ignore-me', 'notes/README.md', 'sig.json'],
    },
    {
      label: 'a nested path',
      ignorePaths: ['a/y'],
      signatureName: undefined,
      expected: ['.hidden', 'a/x', 'a-c', 'ab', 'ignore-me', 'notes/README.md', 'sig.json'],
    },
    {
      label: 'trailing slash and ./',
      ignorePaths: ['notes/', './ignore-me'],
      signatureName: undefined,
      expected: ['.hidden', 'a/x', 'a/y/z', 'a-c', 'ab', 'sig.json'],
    },
    {
      label: 'absolute and .. paths match nothing',
      ignorePaths: ['/ab', '../m/ab', 'a/../ab'],
      signatureName: undefined,
      expected: ['.hidden', 'a/x', 'a/y/z', 'a-c', 'ab', 'ignore-me', 'notes/README.md', 'sig.json'],
    },
    {
      label: 'another signature name',
      ignorePaths: [],
      signatureName: 'sig.json',
      expected: ['.hidden', 'a/x', 'a/y/z', 'a-c', 'ab', 'ignore-me', 'model.sig', 'notes/README.md'],
    },
  ])('ignores $label', async ({ ignorePaths, signatureName, expected }) => {
    const dir = await model(tree);
    const files = await listModelFiles(
      dir,
      { allowSymlinks: false, ignorePaths },
      signatureName ? { signatureName } : {},
    );
    expect(files.map((f) => f.path)).toEqual(expected);
  });

  it('reports sizes, and a single file as "."', async () => {
    const dir = await model({ 'w.bin': '12345' });
    expect(await listModelFiles(dir, { allowSymlinks: false, ignorePaths: [] })).toEqual([
      { path: 'w.bin', size: 5 },
    ]);
    expect(await listModelFiles(join(dir, 'w.bin'), { allowSymlinks: false, ignorePaths: [] })).toEqual([
      { path: '.', size: 5 },
    ]);
  });

  it.each(['.', './', ''])('refuses the ignore path %j, which would hide the whole model', async (ignore) => {
    const dir = await model({ a: '1' });
    await expect(listModelFiles(dir, { allowSymlinks: false, ignorePaths: [ignore] })).rejects.toMatchObject({
      code: 'unsafe-ignore-path',
    });
  });

  describe('symlinks', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await model({ 'real/w.bin': 'weights', 'outside/o.bin': 'outside' });
      await mkdir(join(dir, 'm'));
      await writeFile(join(dir, 'm/plain'), 'p');
      await symlink(join(dir, 'outside/o.bin'), join(dir, 'm/link.bin'));
      await symlink(join(dir, 'real'), join(dir, 'm/linked-dir'));
    });

    it('are refused unless the signature allows them', async () => {
      await expect(
        listModelFiles(join(dir, 'm'), { allowSymlinks: false, ignorePaths: [] }),
      ).rejects.toMatchObject({
        code: 'symlink-not-allowed',
        kind: 'refused',
        message: expect.stringContaining("'link.bin'"),
      });
    });

    it('count as their target file when allowed; a linked folder is not entered (as upstream)', async () => {
      expect(await listModelFiles(join(dir, 'm'), { allowSymlinks: true, ignorePaths: [] })).toEqual([
        { path: 'link.bin', size: 7 },
        { path: 'plain', size: 1 },
      ]);
    });

    it('an ignored symlink is not looked at', async () => {
      const files = await listModelFiles(join(dir, 'm'), {
        allowSymlinks: false,
        ignorePaths: ['link.bin', 'linked-dir'],
      });
      expect(files.map((f) => f.path)).toEqual(['plain']);
    });

    it('a broken link is refused even when links are allowed', async () => {
      const broken = await model({});
      await symlink(join(broken, 'nowhere'), join(broken, 'dangling'));
      await expect(listModelFiles(broken, { allowSymlinks: true, ignorePaths: [] })).rejects.toMatchObject({
        code: 'unsupported-file-type',
      });
    });

    it('a model folder that is itself a link is refused unless allowed (as upstream)', async () => {
      const link = join(scratch, `rootlink${count++}`);
      await symlink(join(dir, 'real'), link);
      await expect(listModelFiles(link, { allowSymlinks: false, ignorePaths: [] })).rejects.toMatchObject({
        code: 'symlink-not-allowed',
      });
      expect(await listModelFiles(link, { allowSymlinks: true, ignorePaths: [] })).toEqual([
        { path: 'w.bin', size: 7 },
      ]);
    });
  });

  it('refuses a named pipe', async () => {
    const dir = await model({ a: '1' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await expect(listModelFiles(dir, { allowSymlinks: true, ignorePaths: [] })).rejects.toMatchObject({
      code: 'unsupported-file-type',
      message: expect.stringContaining("'pipe'"),
    });
  });

  it('a missing folder is model-not-found', async () => {
    await expect(
      listModelFiles(join(scratch, 'missing'), { allowSymlinks: false, ignorePaths: [] }),
    ).rejects.toMatchObject({ code: 'model-not-found' });
  });
});
