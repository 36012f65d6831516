import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryLogger } from '../logger.js';
import { digestModel } from '../signing/serialize.js';
import { verifyModel } from '../signing/verify-model.js';
import { expectedDigests } from '../signing/listed-digests.js';
import { DownloadCache, type RemoteFile, safeKey } from './download-cache.js';
import {
  cacheKey,
  cachePaths,
  gitHubCachePersistence,
  restoreCache,
  saveCache,
} from './download-cache-github.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = path.join(REPO, 'examples/registry/sentiment/2');
const PUBLIC_KEY = path.join(REPO, 'examples/keys/example-signing.pub.pem');

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mp-cache-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) {
    await chmodTree(dir);
    await rm(dir, { recursive: true, force: true });
  }
});
async function chmodTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries)
    if (e.isFile()) await chmod(path.join(e.parentPath, e.name), 0o644).catch(() => undefined);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A remote file served from memory, counting how often it was opened; `faults` break the first opens. */
function memoryFile(
  filePath: string,
  bytes: Buffer,
  options: { size?: number; sha256?: string; faults?: ('throw' | 'truncate' | 'midway')[] } = {},
): RemoteFile & { opened: number } {
  const faults = [...(options.faults ?? [])];
  const file = {
    path: filePath,
    opened: 0,
    ...(options.size !== undefined && { size: options.size }),
    ...(options.sha256 !== undefined && { sha256: options.sha256 }),
    async open(): Promise<AsyncIterable<Uint8Array>> {
      file.opened++;
      const fault = faults.shift();
      if (fault === 'throw') throw Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
      return (async function* () {
        const half = Math.floor(bytes.byteLength / 2);
        if (fault === 'truncate') {
          yield bytes.subarray(0, half);
          return;
        }
        if (fault === 'midway') {
          yield bytes.subarray(0, half);
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        yield bytes.subarray(0, half);
        yield bytes.subarray(half);
      })();
    },
  };
  return file;
}

/** The example model version 2, as remote files (with their true sizes). */
async function exampleFiles(): Promise<(RemoteFile & { opened: number })[]> {
  const names = (await readdir(EXAMPLE)).sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(path.join(EXAMPLE, name));
      return memoryFile(name, bytes, { size: bytes.byteLength });
    }),
  );
}

async function exampleExpected(): Promise<Map<string, string>> {
  return expectedDigests(await readFile(path.join(EXAMPLE, 'model.sig')));
}

const requirement = async () => [
  {
    source: 'test',
    alternatives: [{ method: 'key' as const, publicKeys: [await readFile(PUBLIC_KEY, 'utf8')] }],
  },
];

function options(extra: Partial<Parameters<DownloadCache['materialize']>[2]> = {}) {
  return { logger: new MemoryLogger(), label: 'test sentiment:2', ...extra };
}

describe('DownloadCache.materialize', () => {
  it('downloads every file into a version folder, hashing what it writes', async () => {
    const cache = new DownloadCache(await tempDir());
    const files = await exampleFiles();
    const result = await cache.materialize('test/sentiment@2', files, options());
    expect((await readdir(result.directory)).sort()).toEqual(files.map((f) => f.path).sort());
    expect(result.reusedFiles).toBe(0);
    for (const file of files) {
      const bytes = await readFile(path.join(EXAMPLE, file.path));
      expect(await readFile(path.join(result.directory, file.path))).toEqual(bytes);
      expect(result.hashed.get(file.path)).toBe(sha256(bytes));
      expect((await stat(cache.blobPath(sha256(bytes)))).size).toBe(bytes.byteLength);
    }
    expect(result.downloadedBytes).toBe(
      (await Promise.all(files.map(async (f) => (await stat(path.join(EXAMPLE, f.path))).size))).reduce(
        (a, b) => a + b,
        0,
      ),
    );
    expect(result.directory).toBe(path.join(cache.root, 'versions', safeKey('test/sentiment@2')));
  });

  it('reuses blobs by the digests the signature names: nothing downloaded, nothing claimed as hashed', async () => {
    const cache = new DownloadCache(await tempDir());
    const expected = await exampleExpected();
    await cache.materialize('v2', await exampleFiles(), options({ expected }));
    const again = await exampleFiles();
    const logger = new MemoryLogger();
    const second = await cache.materialize('v2', again, options({ expected, logger }));
    expect(second.downloadedBytes).toBe((await stat(path.join(EXAMPLE, 'model.sig'))).size);
    expect(second.reusedFiles).toBe(expected.size);
    // model.sig is not in the statement: it is the only file fetched again.
    expect([...second.hashed.keys()]).toEqual(['model.sig']);
    expect(again.filter((f) => f.opened > 0).map((f) => f.path)).toEqual(['model.sig']);
    expect(logger.lines.join('\n')).toMatch(/4 from the cache, re-verified/);
    // The reused files still verify (the verifier hashes them: they are not in `hashed`).
    const verified = await verifyModel(
      {
        directory: second.directory,
        signaturePath: path.join(second.directory, 'model.sig'),
        signatureName: 'model.sig',
      },
      await requirement(),
      { knownDigests: second.hashed },
    );
    expect(verified.files).toHaveLength(4);
  });

  it('never trusts a cached blob: a corrupted one is refused by the verifier', async () => {
    const cache = new DownloadCache(await tempDir());
    const expected = await exampleExpected();
    await cache.materialize('v2', await exampleFiles(), options({ expected }));
    const blob = cache.blobPath(expected.get('vocab.txt')!);
    const original = await readFile(blob);
    await chmod(blob, 0o644);
    const tampered = Buffer.from(original);
    tampered[0] = tampered[0]! ^ 1;
    await writeFile(blob, tampered);
    const second = await cache.materialize('v2', await exampleFiles(), options({ expected }));
    expect(second.hashed.has('vocab.txt')).toBe(false);
    await expect(
      verifyModel(
        {
          directory: second.directory,
          signaturePath: path.join(second.directory, 'model.sig'),
          signatureName: 'model.sig',
        },
        await requirement(),
        { knownDigests: second.hashed },
      ),
    ).rejects.toThrow(/vocab\.txt/);
  });

  it('downloads again a cached blob whose size is not the one listed', async () => {
    const cache = new DownloadCache(await tempDir());
    const expected = await exampleExpected();
    await cache.materialize('v2', await exampleFiles(), options({ expected }));
    const blob = cache.blobPath(expected.get('weights.safetensors')!);
    await chmod(blob, 0o644);
    await writeFile(blob, 'short');
    const second = await cache.materialize('v2', await exampleFiles(), options({ expected }));
    expect(second.hashed.get('weights.safetensors')).toBe(expected.get('weights.safetensors'));
    expect(await readFile(blob)).toEqual(await readFile(path.join(EXAMPLE, 'weights.safetensors')));
  });

  const faultCases = [
    { name: 'a refused connection', faults: ['throw'] as const },
    { name: 'a connection broken mid-file', faults: ['midway', 'midway'] as const },
    { name: 'a truncated file', faults: ['truncate'] as const },
  ];
  it.each(faultCases)('retries $name, then succeeds', async ({ faults }) => {
    const cache = new DownloadCache(await tempDir(), { retryDelayMs: 1 });
    const bytes = Buffer.from('0123456789abcdef'.repeat(100));
    const file = memoryFile('weights.bin', bytes, { size: bytes.byteLength, faults: [...faults] });
    const logger = new MemoryLogger();
    const result = await cache.materialize('k', [file], options({ logger }));
    expect(file.opened).toBe(faults.length + 1);
    expect(result.hashed.get('weights.bin')).toBe(sha256(bytes));
    expect(
      logger.lines.filter((l) => l.startsWith('warning: test sentiment:2: downloading weights.bin failed')),
    ).toHaveLength(faults.length);
    expect(await readdir(path.join(cache.root, 'tmp'))).toEqual([]);
  });

  const refusals = [
    {
      name: 'a download that keeps breaking',
      faults: ['midway', 'midway', 'midway'],
      size: 1600,
      code: 'download-failed',
      kind: 'failed',
      message: /downloading weights\.bin failed, after 3 tries: socket hang up/,
    },
    {
      name: 'a file shorter than listed',
      faults: ['truncate', 'truncate', 'truncate'],
      size: 1600,
      code: 'download-size-mismatch',
      kind: 'refused',
      message: /file weights\.bin got 800 bytes, the registry said 1600, after 3 tries/,
    },
    {
      name: 'a file longer than listed',
      faults: [],
      size: 1000,
      code: 'download-size-mismatch',
      kind: 'refused',
      message: /file weights\.bin got more than 1000 bytes/,
    },
    {
      name: 'a file whose sha256 is not the listed one',
      faults: [],
      sha256: 'a'.repeat(64),
      code: 'download-digest-mismatch',
      kind: 'refused',
      message: /file weights\.bin got sha256 [0-9a-f]{64}, the registry said a{64}/,
    },
  ] as const;
  it.each(refusals)('refuses $name, naming the file', async (c) => {
    const cache = new DownloadCache(await tempDir(), { retryDelayMs: 1 });
    const bytes = Buffer.from('0123456789abcdef'.repeat(100));
    const file = memoryFile('weights.bin', bytes, {
      ...('size' in c && { size: c.size }),
      ...('sha256' in c && { sha256: c.sha256 }),
      faults: [...c.faults],
    });
    const error = await cache.materialize('k', [file], options({ retries: 2 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: c.code, kind: c.kind });
    expect((error as Error).message).toMatch(c.message);
    expect(file.opened).toBe(3);
    // Nothing half-written stays behind, and no version folder names the failed version.
    expect(await readdir(path.join(cache.root, 'tmp'))).toEqual([]);
    expect(await readdir(path.join(cache.root, 'versions'))).toEqual([]);
  });

  it.each(['../escape', '/abs', 'a//b', 'a/./b', ''])('refuses the file path %j', async (bad) => {
    const cache = new DownloadCache(await tempDir());
    await expect(
      cache.materialize('k', [memoryFile(bad, Buffer.from('x'))], options()),
    ).rejects.toMatchObject({
      code: 'download-path-invalid',
    });
  });

  it('refuses a path listed twice, and a file that is also a folder', async () => {
    const cache = new DownloadCache(await tempDir());
    const x = Buffer.from('x');
    await expect(cache.materialize('k', [memoryFile('a', x), memoryFile('a', x)], options())).rejects.toThrow(
      /listed twice/,
    );
    await expect(
      cache.materialize('k', [memoryFile('a', x), memoryFile('a/b', x)], options()),
    ).rejects.toThrow(/both a file and the folder/);
  });

  it('puts nested paths in folders', async () => {
    const cache = new DownloadCache(await tempDir());
    const result = await cache.materialize(
      'k',
      [memoryFile('tokenizer/vocab.json', Buffer.from('{}'))],
      options(),
    );
    expect(await readFile(path.join(result.directory, 'tokenizer/vocab.json'), 'utf8')).toBe('{}');
  });
});

describe('knownDigests (files hashed while downloading are not read again)', () => {
  it('digestModel takes the known digest for listed paths and hashes the rest', async () => {
    const serialization = {
      method: 'files' as const,
      hashType: 'sha256',
      allowSymlinks: false,
      ignorePaths: [],
    };
    const honest = await digestModel(EXAMPLE, serialization);
    const known = new Map([['vocab.txt', 'f'.repeat(64)]]);
    const withKnown = await digestModel(EXAMPLE, serialization, { knownDigests: known });
    expect(withKnown.find((r) => r.name === 'vocab.txt')!.digest).toBe('f'.repeat(64));
    expect(withKnown.filter((r) => r.name !== 'vocab.txt')).toEqual(
      honest.filter((r) => r.name !== 'vocab.txt'),
    );
    // Shards (and other hashes) ignore it.
    const shards = { ...serialization, method: 'shards' as const, shardSize: 1024 };
    expect(await digestModel(EXAMPLE, shards, { knownDigests: known })).toEqual(
      await digestModel(EXAMPLE, shards),
    );
  });
});

describe('DownloadCache.defaultRoot', () => {
  it.each([
    { name: 'the cache-dir input', env: { RUNNER_TEMP: '/rt' }, dir: '/my/cache', want: '/my/cache' },
    { name: 'RUNNER_TEMP', env: { RUNNER_TEMP: '/rt' }, dir: undefined, want: '/rt/model-promote-cache' },
    { name: 'XDG_CACHE_HOME', env: { XDG_CACHE_HOME: '/xdg' }, dir: undefined, want: '/xdg/model-promote' },
  ])('$name', ({ env, dir, want }) => {
    expect(DownloadCache.defaultRoot(env, dir)).toBe(want);
  });
});

describe('the Actions cache helpers', () => {
  const expected = new Map([
    ['b.bin', 'b'.repeat(64)],
    ['a.bin', 'a'.repeat(64)],
  ]);
  const onGitHub = { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://results/' };

  it('do nothing off GitHub', async () => {
    let called = 0;
    const backend = {
      restoreCache: async () => (called++, undefined),
      saveCache: async () => (called++, 1),
    };
    const logger = new MemoryLogger();
    expect(await restoreCache('/c', expected, { env: {}, logger, backend })).toBe('skipped');
    expect(await saveCache('/c', expected, { env: {}, logger, backend })).toBe('skipped');
    expect(called).toBe(0);
  });

  it('key the entry by the signed digests and store exactly their blobs', async () => {
    const calls: [string, string[], string][] = [];
    const backend = {
      restoreCache: async (paths: string[], key: string) => (calls.push(['restore', paths, key]), undefined),
      saveCache: async (paths: string[], key: string) => (calls.push(['save', paths, key]), 1),
    };
    const logger = new MemoryLogger();
    expect(await restoreCache('/c', expected, { env: onGitHub, logger, backend })).toBe('missed');
    expect(await saveCache('/c', expected, { env: onGitHub, logger, backend })).toBe('saved');
    const paths = [`/c/blobs/sha256/${'a'.repeat(64)}`, `/c/blobs/sha256/${'b'.repeat(64)}`];
    expect(calls).toEqual([
      ['restore', paths, cacheKey(expected)],
      ['save', paths, cacheKey(expected)],
    ]);
    expect(cachePaths('/c', expected)).toEqual(paths);
    expect(cacheKey(new Map([...expected].reverse()))).toBe(cacheKey(expected));
    expect(cacheKey(expected)).toMatch(/^model-promote-v1-[0-9a-f]{40}$/);
  });

  it('let a failing cache service not stop the promotion', async () => {
    const backend = {
      restoreCache: async () => Promise.reject(new Error('service down')),
      saveCache: async () => Promise.reject(new Error('already exists')),
    };
    const logger = new MemoryLogger();
    expect(await restoreCache('/c', expected, { env: onGitHub, logger, backend })).toBe('failed');
    expect(await saveCache('/c', expected, { env: onGitHub, logger, backend })).toBe('failed');
    expect(logger.lines[0]).toMatch(
      /restoring the Actions cache .* failed, downloading instead: service down/,
    );
  });

  it('restore before downloading and save after, through a DownloadCache', async () => {
    const root = await tempDir();
    const events: string[] = [];
    const backend = {
      restoreCache: async () => (events.push('restore'), undefined),
      saveCache: async () => (events.push('save'), 1),
    };
    const cache = new DownloadCache(root, {
      persistence: gitHubCachePersistence({ env: onGitHub, logger: new MemoryLogger(), backend }),
    });
    const exp = await exampleExpected();
    await cache.materialize('v2', await exampleFiles(), options({ expected: exp }));
    await cache.materialize('v2', await exampleFiles(), options({ expected: exp }));
    // The second run found every signed file: it neither restores nor saves (model.sig, which the
    // statement does not list and this double gives no digest for, is fetched again but not saved).
    expect(events).toEqual(['restore', 'save']);
  });
});
