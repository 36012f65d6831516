/**
 * The Containerfile builders: argv tables (pure), docker through a recording runner (no daemon
 * here), the build context, and buildah for real against docker-registry 2.8, checked with skopeo
 * and umoci.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../test/registry/registry-server.js';
import { MemoryLogger } from '../logger.js';
import type { ImageConfig } from '../oci/types.js';
import { builderSchema } from '../environments/catalog-schema.js';
import { scratchImage, type BaseImage } from './base-image.js';
import {
  buildahBudArgv,
  buildahPushArgv,
  buildWithContainerfile,
  type CommandRunner,
  type ContainerfileBuildInput,
  containerfileBase,
  dockerBuildArgv,
  prepareContext,
  stageSignature,
} from './builder.js';
import { applyConfigChanges } from './image-config.js';
import { planImage } from './plan.js';
import { tempDir, testModel, testPool, tool, writeModel } from '../../test/image/image-fixtures.js';

const storage = { root: '/t/root', runroot: '/t/runroot' };
const AMD64 = { os: 'linux', architecture: 'amd64' };

describe('builderSchema', () => {
  it.each([
    { value: { kind: 'buildah' }, ok: true },
    { value: { kind: 'docker', steps: ['RUN apt-get install -y libgomp1'] }, ok: true },
    { value: { kind: 'kaniko' }, ok: false },
    { value: { kind: 'buildah', steps: [''] }, ok: false },
    { value: { kind: 'buildah', extra: 1 }, ok: false },
  ])('$value -> $ok', ({ value, ok }) => {
    expect(builderSchema.safeParse(value).success).toBe(ok);
  });
  it('defaults steps to none', () => {
    expect(builderSchema.parse({ kind: 'buildah' })).toEqual({ kind: 'buildah', steps: [] });
  });
});

describe('argv (pure)', () => {
  it.each([
    {
      name: 'buildah bud',
      argv: buildahBudArgv({
        storage,
        containerfile: '/t/Containerfile',
        context: '/t/context',
        image: 'localhost/b:1',
        platform: 'linux/arm64',
        sourceDateEpoch: 1700000000,
        annotations: { 'org.opencontainers.image.title': 'sentiment' },
      }),
      expected: [
        '--root',
        '/t/root',
        '--runroot',
        '/t/runroot',
        '--storage-driver',
        'vfs',
        'bud',
        '--isolation',
        'chroot',
        '--timestamp',
        '1700000000',
        '--platform',
        'linux/arm64',
        '--identity-label=false',
        '--annotation',
        'org.opencontainers.image.title=sentiment',
        '-f',
        '/t/Containerfile',
        '-t',
        'localhost/b:1',
        '/t/context',
      ],
    },
    {
      name: 'buildah bud, insecure base registry',
      argv: buildahBudArgv({
        storage,
        containerfile: 'F',
        context: 'C',
        image: 'I',
        platform: 'linux/amd64',
        sourceDateEpoch: 0,
        annotations: {},
        insecureBase: true,
      }),
      expected: [
        '--root',
        '/t/root',
        '--runroot',
        '/t/runroot',
        '--storage-driver',
        'vfs',
        'bud',
        '--isolation',
        'chroot',
        '--timestamp',
        '0',
        '--platform',
        'linux/amd64',
        '--identity-label=false',
        '--tls-verify=false',
        '-f',
        'F',
        '-t',
        'I',
        'C',
      ],
    },
    {
      name: 'buildah push with an auth file',
      argv: buildahPushArgv({
        storage,
        image: 'localhost/b:1',
        destination: 'ghcr.io/org/m:2',
        digestFile: '/t/digest',
        authFile: '/t/auth.json',
      }),
      expected: [
        '--root',
        '/t/root',
        '--runroot',
        '/t/runroot',
        '--storage-driver',
        'vfs',
        'push',
        '--format',
        'oci',
        '--digestfile',
        '/t/digest',
        '--authfile',
        '/t/auth.json',
        'localhost/b:1',
        'docker://ghcr.io/org/m:2',
      ],
    },
    {
      name: 'buildah push, insecure',
      argv: buildahPushArgv({
        storage,
        image: 'I',
        destination: '127.0.0.1:5000/m:2',
        digestFile: 'D',
        insecure: true,
      }),
      expected: [
        '--root',
        '/t/root',
        '--runroot',
        '/t/runroot',
        '--storage-driver',
        'vfs',
        'push',
        '--format',
        'oci',
        '--digestfile',
        'D',
        '--tls-verify=false',
        'I',
        'docker://127.0.0.1:5000/m:2',
      ],
    },
    {
      name: 'docker buildx build, two tags',
      argv: dockerBuildArgv({
        containerfile: '/t/Containerfile',
        context: '/t/context',
        destinations: ['ghcr.io/org/m:2', 'ghcr.io/org/m:2-gpu'],
        platform: 'linux/amd64',
        sourceDateEpoch: 1700000000,
        annotations: { 'org.opencontainers.image.version': '2' },
        metadataFile: '/t/metadata.json',
      }),
      expected: [
        'buildx',
        'build',
        '--platform',
        'linux/amd64',
        '--build-arg',
        'SOURCE_DATE_EPOCH=1700000000',
        '--provenance=false',
        '--sbom=false',
        '--annotation',
        'org.opencontainers.image.version=2',
        '--metadata-file',
        '/t/metadata.json',
        '-f',
        '/t/Containerfile',
        '-t',
        'ghcr.io/org/m:2',
        '-t',
        'ghcr.io/org/m:2-gpu',
        '--output',
        'type=registry,oci-mediatypes=true,rewrite-timestamp=true',
        '/t/context',
      ],
    },
    {
      name: 'docker buildx build, insecure registry',
      argv: dockerBuildArgv({
        containerfile: 'F',
        context: 'C',
        destinations: ['127.0.0.1:5000/m:1'],
        platform: 'linux/arm64/v8',
        sourceDateEpoch: 0,
        annotations: {},
        metadataFile: 'M',
        insecure: true,
      }),
      expected: [
        'buildx',
        'build',
        '--platform',
        'linux/arm64/v8',
        '--build-arg',
        'SOURCE_DATE_EPOCH=0',
        '--provenance=false',
        '--sbom=false',
        '--metadata-file',
        'M',
        '-f',
        'F',
        '-t',
        '127.0.0.1:5000/m:1',
        '--output',
        'type=registry,oci-mediatypes=true,rewrite-timestamp=true,registry.insecure=true',
        'C',
      ],
    },
  ])('$name', ({ argv, expected }) => {
    expect(argv).toEqual(expected);
  });
});

describe('containerfileBase', () => {
  it.each([
    { base: scratchImage(AMD64), expected: { kind: 'scratch' } },
    {
      base: {
        ...scratchImage(AMD64),
        reference: 'ghcr.io/a/b:1',
        name: 'ghcr.io/a/b:1',
        digest: `sha256:${'c'.repeat(64)}`,
      },
      expected: { kind: 'registry', name: 'ghcr.io/a/b:1', digest: `sha256:${'c'.repeat(64)}` },
    },
  ])('$base.reference', ({ base, expected }) => {
    expect(containerfileBase(base)).toEqual(expected);
  });
  it('refuses an OCI layout base', () => {
    const base = {
      ...scratchImage(AMD64),
      reference: 'oci-layout:x:1',
      name: 'oci-layout:x:1',
      digest: `sha256:${'c'.repeat(64)}`,
    };
    expect(() => containerfileBase(base)).toThrow(
      expect.objectContaining({ code: 'builder-base-unsupported' }),
    );
  });
});

describe('the build context', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('context');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('stages the verified bytes', async () => {
    const bytes = Buffer.from('bundle');
    await stageSignature({ name: 'model.sig', bytes }, join(dir, 'staged', 'signature/model.sig'));
    expect(await readFile(join(dir, 'staged', 'signature/model.sig'), 'utf8')).toBe('bundle');
  });

  it('holds only the verified files (no model.sig, no stray files), linked or copied through the check', async () => {
    const model = join(dir, 'model');
    const files = await writeModel(model, { 'config.json': '{}', 'weights/w.bin': 'weights' });
    await writeFile(join(model, 'model.sig'), 'sig');
    await writeFile(join(model, 'stray.txt'), 'stray');
    expect(await prepareContext(model, files, join(dir, 'linked'))).toBe('hard links');
    const seen: string[] = [];
    const check = async (path: string) => ({
      update: (chunk: Uint8Array) => seen.push(`${path}:${Buffer.from(chunk).toString()}`),
      finish: () => undefined,
    });
    expect(await prepareContext(model, files, join(dir, 'copied'), check)).toBe('checked copies');
    for (const out of ['linked', 'copied']) {
      expect((await readdir(join(dir, out), { recursive: true })).sort()).toEqual([
        'config.json',
        'weights',
        'weights/w.bin',
      ]);
      expect(await readFile(join(dir, out, 'weights/w.bin'), 'utf8')).toBe('weights');
    }
    expect(seen.sort()).toEqual(['config.json:{}', 'weights/w.bin:weights']);
  });

  it('fails when the check refuses the bytes', async () => {
    const model = join(dir, 'model2');
    const files = await writeModel(model, { 'a.bin': 'changed' });
    const check = async () => ({
      update: () => undefined,
      finish: () => {
        throw new Error('a.bin does not match its signed digest');
      },
    });
    await expect(prepareContext(model, files, join(dir, 'refused'), check)).rejects.toThrow(/signed digest/);
  });
});

async function modelInput(
  dir: string,
  base: BaseImage,
  steps: readonly string[] = [],
): Promise<ContainerfileBuildInput> {
  const directory = join(dir, 'model');
  const files = await writeModel(directory, {
    'config.json': '{"labels":2}\n',
    'weights/model.bin': 'w'.repeat(100_000),
  });
  await writeFile(join(directory, 'model.sig'), 'not in the image');
  return {
    directory,
    files,
    pool: testPool({ env: { OMP_NUM_THREADS: '4' }, entrypoint: ['/bin/sh', '-c'] }),
    base,
    model: testModel,
    sourceDateEpoch: 1_700_000_000,
    tags: ['1.4.0', '1.4.0-gpu-a100'],
    steps,
  };
}

describe('docker (the command line; no daemon here)', () => {
  it('runs one docker buildx build with the tags and reads the digest from the metadata file', async () => {
    const dir = await tempDir('docker');
    try {
      const calls: { file: string; args: readonly string[]; containerfile: string; context: string[] }[] = [];
      const digest = `sha256:${'d'.repeat(64)}`;
      const run: CommandRunner = async (file, args) => {
        const at = (flag: string) => args[args.indexOf(flag) + 1]!;
        calls.push({
          file,
          args,
          containerfile: await readFile(at('-f'), 'utf8'),
          context: (await readdir(args.at(-1)!, { recursive: true })).sort(),
        });
        await writeFile(at('--metadata-file'), JSON.stringify({ 'containerimage.digest': digest }));
        return { stdout: '', stderr: '' };
      };
      const input = await modelInput(dir, scratchImage(AMD64), ['RUN true']);
      const result = await buildWithContainerfile(
        input,
        'docker',
        { registry: 'ghcr.io', repository: 'org/m' },
        new MemoryLogger(),
        {
          run,
          tempDir: dir,
        },
      );
      expect(result).toMatchObject({
        digest,
        reference: `ghcr.io/org/m@${digest}`,
        tags: ['1.4.0', '1.4.0-gpu-a100'],
      });
      expect(calls).toHaveLength(1);
      const [call] = calls;
      expect(call!.file).toBe('docker');
      expect(call!.args.slice(0, 6)).toEqual([
        'buildx',
        'build',
        '--platform',
        'linux/amd64',
        '--build-arg',
        'SOURCE_DATE_EPOCH=1700000000',
      ]);
      expect(call!.args.filter((_, i) => call!.args[i - 1] === '-t')).toEqual([
        'ghcr.io/org/m:1.4.0',
        'ghcr.io/org/m:1.4.0-gpu-a100',
      ]);
      expect(call!.containerfile).toContain('FROM scratch\nRUN true\nCOPY --chown=0:0 model/ "/models/"');
      expect(call!.context).toEqual([
        'model',
        'model/config.json',
        'model/weights',
        'model/weights/model.bin',
      ]);
      expect((await readdir(dir)).filter((n) => n.startsWith('model-promote-build-'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a missing docker is a usage error; a failing one names its last lines', async () => {
    const dir = await tempDir('docker-fail');
    try {
      const input = await modelInput(dir, scratchImage(AMD64));
      const missing: CommandRunner = () =>
        Promise.reject(Object.assign(new Error('spawn docker ENOENT'), { code: 'ENOENT' }));
      await expect(
        buildWithContainerfile(input, 'docker', { registry: 'r', repository: 'm' }, new MemoryLogger(), {
          run: missing,
          tempDir: dir,
        }),
      ).rejects.toMatchObject({ code: 'builder-missing', kind: 'usage' });
      const failing: CommandRunner = () =>
        Promise.reject(
          Object.assign(new Error('exit 1'), { code: 1, stderr: 'step 1\nERROR: failed to push: denied\n' }),
        );
      await expect(
        buildWithContainerfile(input, 'docker', { registry: 'r', repository: 'm' }, new MemoryLogger(), {
          run: failing,
          tempDir: dir,
        }),
      ).rejects.toMatchObject({
        code: 'builder-failed',
        message: expect.stringContaining('ERROR: failed to push: denied'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('buildah (for real, against docker-registry)', () => {
  let registry: TestRegistry;
  let dir: string;
  let base: BaseImage;

  beforeAll(async () => {
    registry = await startRegistry();
    dir = await tempDir('buildah');
    // A base with a shell: /bin/sh and its libraries, built by buildah from scratch and pushed.
    const root = join(dir, 'base-context', 'root');
    for (const file of ['/bin/sh', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']) {
      await mkdir(join(root, file, '..'), { recursive: true });
      await cp(file, join(root, file), { dereference: true });
    }
    await writeFile(join(dir, 'base-context', 'Containerfile'), 'FROM scratch\nCOPY root/ /\n');
    const s = [
      '--root',
      join(dir, 'base-root'),
      '--runroot',
      join(dir, 'base-runroot'),
      '--storage-driver',
      'vfs',
    ];
    await tool('buildah', [
      ...s,
      'bud',
      '--isolation',
      'chroot',
      '--timestamp',
      '0',
      '--identity-label=false',
      '-f',
      join(dir, 'base-context', 'Containerfile'),
      '-t',
      'localhost/base:1',
      join(dir, 'base-context'),
    ]);
    await tool('buildah', [
      ...s,
      'push',
      '--tls-verify=false',
      '--digestfile',
      join(dir, 'base-digest'),
      'localhost/base:1',
      `docker://${registry.host}/base:1`,
    ]);
    const digest = (await readFile(join(dir, 'base-digest'), 'utf8')).trim();
    base = {
      ...scratchImage(AMD64),
      reference: `${registry.host}/base:1`,
      name: `${registry.host}/base:1`,
      digest,
    };
  });
  afterAll(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds FROM the base by digest with the pool steps, pushes both tags; skopeo and umoci see the verified files and the config', async () => {
    const plain = await modelInput(dir, base, ['RUN echo installed > /etc/marker']);
    const signaturePath = join(plain.directory, 'model.sig');
    const signatureBytes = await readFile(signaturePath);
    const input: ContainerfileBuildInput = {
      ...plain,
      signature: {
        name: signaturePath,
        bytes: signatureBytes,
      },
    };
    const logger = new MemoryLogger();
    const target = { registry: registry.host, repository: 'demo', insecure: true };
    const result = await buildWithContainerfile(input, 'buildah', target, logger, { tempDir: dir });
    expect(result.reference).toBe(`${registry.host}/demo@${result.digest}`);
    expect(result.containerfile).toContain(
      `FROM ${registry.host}/base@${base.digest}\nRUN echo installed > /etc/marker\n`,
    );

    for (const tag of input.tags) {
      const inspected = JSON.parse(
        await tool('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.host}/demo:${tag}`]),
      ) as { Digest: string };
      expect(inspected.Digest).toBe(result.digest);
    }
    const layout = join(dir, 'copied');
    await tool('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${registry.host}/demo@${result.digest}`,
      `oci:${layout}:pulled`,
    ]);
    const bundle = join(dir, 'bundle');
    await tool('umoci', ['unpack', '--rootless', '--image', `${layout}:pulled`, bundle]);
    const rootfs = join(bundle, 'rootfs');
    // The verified files, and the signature beside them, from a COPY (a layer) of its own.
    expect((await readdir(join(rootfs, 'models'), { recursive: true })).sort()).toEqual([
      'config.json',
      'model.sig',
      'weights',
      'weights/model.bin',
    ]);
    expect(await readFile(join(rootfs, 'models', 'model.sig'))).toEqual(signatureBytes);
    expect(result.containerfile).toContain(
      'COPY --chown=0:0 model/ "/models/"\nCOPY --chown=0:0 signature/model.sig "/models/model.sig"\n',
    );
    for (const file of input.files) {
      expect(
        (await readFile(join(rootfs, 'models', file.path))).equals(
          await readFile(join(input.directory, file.path)),
        ),
      ).toBe(true);
    }
    expect(await readFile(join(rootfs, 'etc/marker'), 'utf8')).toBe('installed\n');

    // The same Env, Labels and Entrypoint as the daemonless build computes.
    const config = JSON.parse(
      await tool('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--config',
        `docker://${registry.host}/demo@${result.digest}`,
      ]),
    ) as ImageConfig;
    const expected = applyConfigChanges(scratchImage(AMD64).config, planImage(input).config, []).config!;
    expect(config.created).toBe('2023-11-14T22:13:20Z');
    expect(config.config?.Env).toEqual(expect.arrayContaining([...expected.Env!]));
    expect(config.config?.Labels).toEqual(expected.Labels);
    expect(config.config?.Entrypoint).toEqual(['/bin/sh', '-c']);
    const manifest = JSON.parse(
      await tool('skopeo', [
        'inspect',
        '--raw',
        '--tls-verify=false',
        `docker://${registry.host}/demo@${result.digest}`,
      ]),
    ) as { annotations: Record<string, string> };
    expect(manifest.annotations).toMatchObject(planImage(input).config.annotations);

    // Same inputs, same digest; the temporary storage is gone.
    const again = await buildWithContainerfile(input, 'buildah', { ...target, repository: 'again' }, logger, {
      tempDir: dir,
    });
    expect(again.digest).toBe(result.digest);
    expect((await readdir(dir)).filter((n) => n.startsWith('model-promote-build-'))).toEqual([]);
  });

  it("a failing step fails the build with buildah's words, and pushes nothing", async () => {
    const input = await modelInput(join(dir, 'failing'), base, ['RUN exit 3']);
    await expect(
      buildWithContainerfile(
        input,
        'buildah',
        { registry: registry.host, repository: 'broken', insecure: true },
        new MemoryLogger(),
        { tempDir: dir },
      ),
    ).rejects.toMatchObject({
      code: 'builder-failed',
      message: expect.stringMatching(/buildah bud failed: .*exit/),
    });
    const tags = await fetch(`${registry.url}/v2/broken/tags/list`);
    expect(tags.status).toBe(404);
  });
});
