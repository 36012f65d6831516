import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHasher } from './hasher.js';
import { buildStatement, digestModel, subjectDigest, type DigestProgress } from './serialize.js';
import type { Resource, Serialization } from './serialize-types.js';

/** The project's copy of the shared fixtures, or the shared folder until it is copied. */
const OMS = [
  fileURLToPath(new URL('../../test/fixtures/oms', import.meta.url)),
  '/work/shared/fixtures/oms',
].find((dir) => existsSync(join(dir, 'golden')) && existsSync(join(dir, 'golden-models')))!;

interface StatementJson {
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: {
    serialization: {
      method: 'files' | 'shards';
      hash_type: string;
      allow_symlinks: boolean;
      shard_size?: number;
      ignore_paths?: string[];
    };
    resources: Resource[];
  };
}

function serializationOf(json: StatementJson): Serialization {
  const s = json.predicate.serialization;
  return {
    method: s.method,
    hashType: s.hash_type,
    allowSymlinks: s.allow_symlinks,
    ignorePaths: s.ignore_paths ?? [],
    ...(s.shard_size === undefined ? {} : { shardSize: s.shard_size }),
  };
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'serialize-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('digestModel reproduces upstream golden statements', () => {
  /** Which model each golden statement was made from; the last two are built here (git keeps neither). */
  const models: Record<string, () => Promise<string>> = {
    deep_model_folder: async () => join(OMS, 'golden-models/deep_model'),
    empty_model_file: async () => join(OMS, 'golden-models/empty_file_model'),
    model_folder_with_empty_file: async () => join(OMS, 'golden-models/empty_file_inside_model'),
    sample_model_file: async () => join(OMS, 'golden-models/file_model'),
    sample_model_folder: async () => join(OMS, 'golden-models/sample_model'),
    empty_model_folder: async () => {
      const dir = join(scratch, 'empty/empty_folder_model');
      await mkdir(dir, { recursive: true });
      return dir;
    },
    symlink_model_folder: async () => {
      const dir = join(scratch, 'links/symlink_model');
      await mkdir(dir, { recursive: true });
      await writeFile(join(scratch, 'links/outside_file'), 'This is a simple model');
      await symlink(join(scratch, 'links/outside_file'), join(dir, 'symlink_file')).catch(() => undefined);
      return dir;
    },
  };
  const goldens = readdirSync(join(OMS, 'golden')).filter(
    (f) => f.endsWith('.json') && f !== 'custom_trust_config.json',
  );
  const cases = goldens.map((file) => {
    const stem = file.replace(/\.json$/, '');
    const model = stem.replace(/_(small_shards|shard)$/, '');
    return { file, model };
  });

  it('covers every golden statement', () => {
    expect(cases).toHaveLength(21);
    for (const { model } of cases) expect(Object.keys(models)).toContain(model);
  });

  it.each(cases)('$file', async ({ file, model }) => {
    const golden = JSON.parse(readFileSync(join(OMS, 'golden', file), 'utf8')) as StatementJson;
    const serialization = serializationOf(golden);
    const path = await models[model]!();

    const resources = await digestModel(path, serialization);

    expect(resources).toEqual(
      golden.predicate.resources.map(({ name, algorithm, digest }) => ({ name, algorithm, digest })),
    );
    expect(subjectDigest(resources)).toBe(golden.subject[0]!.digest.sha256);
    const statement = JSON.parse(
      Buffer.from(buildStatement(basename(path), serialization, resources)).toString('utf8'),
    );
    expect(statement).toEqual(golden);
  });
});

describe('digestModel matches the signatures upstream releases wrote', () => {
  const root = join(OMS, 'model-transparency');
  const folders = readdirSync(root).filter((name) => name.startsWith('v'));

  function expectedOf(folder: string): {
    resources: Resource[];
    serialization: Serialization;
    subject: StatementJson['subject'][0];
  } {
    const bundle = JSON.parse(readFileSync(join(root, folder, 'model.sig'), 'utf8')) as {
      dsseEnvelope: { payload: string };
    };
    const payload = JSON.parse(
      Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'),
    ) as StatementJson & {
      subject: { name: string; digest: { sha256: string } }[];
    };
    if (payload.predicateType === 'https://model_signing/Digests/v0.1') {
      // v0.2 wrote one subject per file and no serialization.
      return {
        resources: payload.subject.map((s) => ({
          name: s.name,
          algorithm: 'sha256',
          digest: s.digest.sha256,
        })),
        serialization: { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] },
        subject: payload.subject[0]!,
      };
    }
    return {
      resources: payload.predicate.resources,
      serialization: serializationOf(payload),
      subject: payload.subject[0]!,
    };
  }

  it('has the 13 upstream folders', () => expect(folders).toHaveLength(13));

  it.each(folders)('%s', async (folder) => {
    const { resources, serialization, subject } = expectedOf(folder);
    // A single-file model's one resource is '.': the subject names that file.
    const model = resources.every((r) => r.name === '.')
      ? join(root, folder, subject.name)
      : join(root, folder);
    // v1.0.x were signed with --ignore-paths ignore-me but did not record it; v1.1.0 records it.
    const recorded = serialization.ignorePaths.includes('ignore-me');
    const present = existsSync(join(root, folder, 'ignore-me'));
    const ignorePaths =
      present && !recorded ? [...serialization.ignorePaths, 'ignore-me'] : serialization.ignorePaths;

    const actual = await digestModel(model, { ...serialization, ignorePaths });

    const byName = (a: Resource, b: Resource): number => (a.name < b.name ? -1 : 1);
    expect(actual).toEqual(
      resources.map(({ name, algorithm, digest }) => ({ name, algorithm, digest })).sort(byName),
    );
    if (!subject.name.startsWith('signme')) expect(subjectDigest(actual)).toBe(subject.digest.sha256);
    if (present && !recorded) {
      // Without the ignore path the empty file shows up: the check can fail.
      const unignored = await digestModel(model, serialization);
      expect(unignored.map((r) => r.name)).toContain('ignore-me');
    }
  });
});

describe('digestModel on a multi-block file', () => {
  const size = 20 * 1024 * 1024 + 12345;
  let dir: string;
  let bytes: Buffer;
  beforeAll(async () => {
    dir = join(scratch, 'big');
    await mkdir(join(dir, 'sub'), { recursive: true });
    bytes = randomBytes(size);
    await writeFile(join(dir, 'weights.bin'), bytes);
    await writeFile(join(dir, 'sub/config.json'), '{"layers": 2}');
  });
  const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

  it.each([
    { label: 'default blocks', blockSize: undefined, workers: undefined },
    { label: '1 MiB blocks, 1 worker', blockSize: 1024 * 1024, workers: 1 },
    { label: '64 KiB blocks, 3 workers', blockSize: 64 * 1024, workers: 3 },
  ])('files: equals sha256 over the same bytes ($label)', async ({ blockSize, workers }) => {
    const resources = await digestModel(
      dir,
      { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] },
      { ...(blockSize ? { blockSize } : {}), ...(workers ? { workers } : {}) },
    );
    expect(resources).toEqual([
      { name: 'sub/config.json', algorithm: 'sha256', digest: sha(Buffer.from('{"layers": 2}')) },
      { name: 'weights.bin', algorithm: 'sha256', digest: sha(bytes) },
    ]);
  });

  it.each([
    { shardSize: 3 * 1024 * 1024 + 1, blockSize: 1024 * 1024 },
    { shardSize: 1_000_000_000, blockSize: undefined },
    { shardSize: size, blockSize: 4 * 1024 * 1024 },
    { shardSize: 1024 * 1024, blockSize: 64 * 1024 },
  ])('shards of $shardSize: each equals sha256 over its slice', async ({ shardSize, blockSize }) => {
    const resources = await digestModel(
      dir,
      { method: 'shards', hashType: 'sha256', shardSize, allowSymlinks: false, ignorePaths: ['sub'] },
      blockSize ? { blockSize } : {},
    );
    const expected: Resource[] = [];
    for (let start = 0; start < size; start += shardSize) {
      const end = Math.min(start + shardSize, size);
      expected.push({
        name: `weights.bin:${start}:${end}`,
        algorithm: `sha256-sharded-${shardSize}`,
        digest: sha(bytes.subarray(start, end)),
      });
    }
    expect(resources).toEqual(expected);
  });

  it('blake2b equals hashlib.blake2b (node blake2b512)', async () => {
    const resources = await digestModel(dir, {
      method: 'files',
      hashType: 'blake2b',
      allowSymlinks: false,
      ignorePaths: ['sub'],
    });
    expect(resources).toEqual([
      {
        name: 'weights.bin',
        algorithm: 'blake2b',
        digest: createHash('blake2b512').update(bytes).digest('hex'),
      },
    ]);
  });

  it('blake3 in the pool equals blake3 on the main thread, per shard', async () => {
    const resources = await digestModel(dir, {
      method: 'shards',
      hashType: 'blake3',
      shardSize: 4096,
      allowSymlinks: false,
      ignorePaths: ['sub'],
    });
    const expected = [];
    const hasher = await createHasher('blake3');
    for (let start = 0; start < bytes.length; start += 4096) {
      const end = Math.min(start + 4096, bytes.length);
      hasher.update(bytes.subarray(start, end));
      expected.push({
        name: `weights.bin:${start}:${end}`,
        algorithm: 'blake3-sharded-4096',
        digest: hasher.digest(),
      });
    }
    expect(resources).toEqual(expected);
  });

  it('reports progress up to every byte and file', async () => {
    const seen: DigestProgress[] = [];
    await digestModel(
      dir,
      {
        method: 'shards',
        hashType: 'sha256',
        shardSize: 4 * 1024 * 1024,
        allowSymlinks: false,
        ignorePaths: [],
      },
      {
        blockSize: 1024 * 1024,
        onProgress: (p) => seen.push(p),
      },
    );
    const total = size + '{"layers": 2}'.length;
    expect(seen[0]).toEqual({ bytesDone: 0, bytesTotal: total, filesDone: 0, filesTotal: 2 });
    expect(seen.at(-1)).toEqual({ bytesDone: total, bytesTotal: total, filesDone: 2, filesTotal: 2 });
    expect(seen.length).toBeGreaterThan(5);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
  });

  it('stops when aborted, with code aborted', async () => {
    const controller = new AbortController();
    const run = digestModel(
      dir,
      { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] },
      {
        signal: controller.signal,
        blockSize: 64 * 1024,
        onProgress: (p) => {
          if (p.bytesDone > 0) controller.abort();
        },
      },
    );
    await expect(run).rejects.toMatchObject({ code: 'aborted', kind: 'failed' });
    const already = digestModel(
      dir,
      { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] },
      { signal: controller.signal },
    );
    await expect(already).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('digestModel refuses what it cannot reproduce', () => {
  it.each([
    {
      label: 'a hash name no one offers',
      serialization: { method: 'files', hashType: 'sha3_256' },
      code: 'unsupported-hash',
    },
    {
      label: 'unknown method',
      serialization: { method: 'tree', hashType: 'sha256' },
      code: 'unsupported-serialization',
    },
    {
      label: 'shards without size',
      serialization: { method: 'shards', hashType: 'sha256' },
      code: 'unsupported-serialization',
    },
    {
      label: 'fractional shard size',
      serialization: { method: 'shards', hashType: 'sha256', shardSize: 8.5 },
      code: 'unsupported-serialization',
    },
    {
      label: 'zero shard size',
      serialization: { method: 'shards', hashType: 'sha256', shardSize: 0 },
      code: 'unsupported-serialization',
    },
  ])('$label -> $code', async ({ serialization, code }) => {
    const run = digestModel(join(OMS, 'golden-models/sample_model'), {
      allowSymlinks: false,
      ignorePaths: [],
      ...serialization,
    } as Serialization);
    await expect(run).rejects.toMatchObject({ code, kind: 'refused' });
  });

  it('a missing model folder is model-not-found', async () => {
    await expect(
      digestModel(join(scratch, 'nope'), {
        method: 'files',
        hashType: 'sha256',
        allowSymlinks: false,
        ignorePaths: [],
      }),
    ).rejects.toMatchObject({ code: 'model-not-found' });
  });
});
