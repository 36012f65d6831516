/** The Hugging Face registry through the real @huggingface/hub client and the Hub test double (test/doubles). */
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HuggingFaceDouble, type FileSource } from '../../test/doubles/huggingface-double.js';
import { MemoryLogger } from '../logger.js';
import { verifyModel } from '../signing/verify-model.js';
import { DownloadCache } from './download-cache.js';
import { hubLabels, openHuggingFaceRegistry } from './huggingface-registry.js';

const EXAMPLE = path.resolve('examples/registry/sentiment');
const PUBLIC_KEY = path.resolve('examples/keys/example-signing.pub.pem');
const TOKEN = 'hf_secret_token';
const FILES = ['config.json', 'input_example.json', 'model.sig', 'vocab.txt', 'weights.safetensors'];

async function exampleFiles(version: string): Promise<Map<string, FileSource>> {
  const dir = path.join(EXAMPLE, version);
  const files = new Map<string, FileSource>();
  for (const name of await readdir(dir)) files.set(name, await readFile(path.join(dir, name)));
  return files;
}

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const CARD = { license: 'apache-2.0', labels: { workload: 'online-inference', runtime: 'onnx' } };

/** acme/sentiment: v1 (tag v1), then v2 on main (tags v2 and champion), and a branch `canary` at v1. */
async function setup(options: ConstructorParameters<typeof HuggingFaceDouble>[0] = { token: TOKEN }) {
  const double = await new HuggingFaceDouble(options).start();
  double.addRepo('acme/sentiment');
  const tags = ['safetensors', 'text-classification', 'accelerator:nvidia'];
  const v1 = await double.commit('acme/sentiment', await exampleFiles('1'), {
    cardData: { ...CARD, 'gpu-memory': '16Gi' },
    tags,
  });
  const v2 = await double.commit('acme/sentiment', await exampleFiles('2'), {
    cardData: { ...CARD, 'gpu-memory': '40Gi' },
    tags,
  });
  double.tag('acme/sentiment', 'v1', v1);
  double.tag('acme/sentiment', 'v2', v2);
  double.tag('acme/sentiment', 'champion', v2);
  double.repos.get('acme/sentiment')!.branches.set('canary', v1);
  const root = await mkdtemp(path.join(tmpdir(), 'hf-test-'));
  dirs.push(root);
  const open = (env: NodeJS.ProcessEnv = { HF_TOKEN: TOKEN }) => {
    const logger = new MemoryLogger();
    const masked: string[] = [];
    const registry = openHuggingFaceRegistry(double.uri('acme'), {
      env,
      logger,
      mask: (s) => masked.push(s),
      cache: new DownloadCache(root, { retryDelayMs: 1 }),
      retries: 2,
      retryDelayMs: 1,
    });
    return { registry, logger, masked };
  };
  return { double, root, v1, v2, open, ...open() };
}

const policy = async () => [
  {
    source: 'inputs',
    alternatives: [{ method: 'key' as const, publicKeys: [await readFile(PUBLIC_KEY, 'utf8')] }],
  },
];

const downloads = (double: HuggingFaceDouble) =>
  double.requests.filter((r) => r.path.includes('/resolve/') && r.range === undefined).map((r) => r.path);

describe('Hugging Face registry', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    ctx = await setup();
  });
  afterEach(async () => ctx.double.stop());

  it('resolves a tag to its commit: aliases, labels from the card and tags, files that verify', async () => {
    const version = await ctx.registry.resolve('sentiment', 'champion');
    expect(version).toMatchObject({
      model: 'sentiment',
      version: ctx.v2,
      requested: 'champion',
      aliases: ['champion', 'main', 'v2'],
      signatureName: 'model.sig',
      labels: {
        accelerator: 'nvidia',
        license: 'apache-2.0',
        workload: 'online-inference',
        runtime: 'onnx',
        'gpu-memory': '40Gi',
      },
    });
    expect((await readdir(version.directory)).sort()).toEqual(FILES);
    expect(version.knownDigests?.size).toBe(5);
    const verified = await verifyModel(version, await policy(), { knownDigests: version.knownDigests! });
    expect(verified.files).toHaveLength(4);
    expect(ctx.masked).toEqual([TOKEN]);
    // Every request carried the token; every download was pinned to the commit, probed with a Range.
    expect(ctx.double.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const resolves = ctx.double.requests.filter((r) => r.path.includes('/resolve/'));
    expect(resolves.every((r) => r.path.startsWith(`/acme/sentiment/resolve/${ctx.v2}/`))).toBe(true);
    expect(resolves.filter((r) => r.range === 'bytes=0-0')).toHaveLength(5);
    expect(downloads(ctx.double)).toHaveLength(5);
  });

  it.each([
    { requested: 'v1', expect: 'v1', gpu: '16Gi' },
    { requested: 'canary', expect: 'v1', gpu: '16Gi' },
    { requested: 'main', expect: 'v2', gpu: '40Gi' },
    { requested: 'latest', expect: 'v2', gpu: '40Gi' },
    { requested: 'commit of v1', expect: 'v1', gpu: '16Gi' },
  ])('resolves $requested (tag, branch, latest = main, commit id)', async (row) => {
    const commit = row.expect === 'v1' ? ctx.v1 : ctx.v2;
    const requested = row.requested === 'commit of v1' ? ctx.v1 : row.requested;
    const version = await ctx.registry.resolve('sentiment', requested);
    expect(version.version).toBe(commit);
    expect(version.labels['gpu-memory']).toBe(row.gpu);
    if (commit === ctx.v1) expect(version.aliases).toEqual(['canary', 'v1']);
    await verifyModel(version, await policy());
  });

  it('finds files in the cache by their LFS sha256, and a cached file is re-verified', async () => {
    await ctx.registry.resolve('sentiment', 'v2');
    // acme/other holds v2's weights (an LFS file) with v1's signature, whose digests do not name
    // them: only the tree listing's lfs.oid can find the cached blob.
    ctx.double.addRepo('acme/other');
    const files = await exampleFiles('2');
    await ctx.double.commit(
      'acme/other',
      new Map([
        ['weights.safetensors', files.get('weights.safetensors')!],
        ['model.sig', (await exampleFiles('1')).get('model.sig')!],
      ]),
    );
    ctx.double.requests.length = 0;
    const other = await ctx.registry.resolve('other', 'main');
    expect(downloads(ctx.double)).toEqual([expect.stringMatching(/\/model\.sig$/)]);
    expect([...other.knownDigests!.keys()]).toEqual(['model.sig']);

    // The same version again, from a new registry on the same cache: only model.sig is downloaded,
    // and the verifier hashes every cached file itself.
    ctx.double.requests.length = 0;
    const again = ctx.open();
    const version = await again.registry.resolve('sentiment', 'v2');
    expect(downloads(ctx.double)).toEqual([expect.stringMatching(/\/model\.sig$/)]);
    expect(
      again.logger.lines.some((l) => /4 from the cache, re-verified; \d+ bytes downloaded/.test(l)),
    ).toBe(true);
    await verifyModel(version, await policy(), { knownDigests: version.knownDigests! });
  });

  it('lists a tree over several pages (Link: rel="next")', async () => {
    const paged = await setup({ token: TOKEN, pageSize: 2 });
    try {
      const version = await paged.registry.resolve('sentiment', 'v2');
      expect((await readdir(version.directory)).sort()).toEqual(FILES);
      expect(paged.double.requests.filter((r) => r.path.includes('/tree/'))).toHaveLength(3);
    } finally {
      await paged.double.stop();
    }
  });

  it('retries a 503, and reads on with a Range request where a download was cut short', async () => {
    ctx.double.faults.unavailable = 1;
    ctx.double.faults.truncate.set('vocab.txt', 1);
    const before = ctx.double.requests.length;
    const version = await ctx.registry.resolve('sentiment', 'v2');
    expect(await readFile(path.join(version.directory, 'vocab.txt'))).toEqual(
      await readFile(path.join(EXAMPLE, '2/vocab.txt')),
    );
    expect(ctx.logger.lines.some((l) => /HTTP 503/.test(l))).toBe(true);
    expect(ctx.logger.lines.some((l) => /connection broke at byte \d+ of vocab\.txt/.test(l))).toBe(true);
    const ranges = ctx.double.requests
      .slice(before)
      .filter((r) => r.path.endsWith('/vocab.txt') && r.range !== undefined && r.range !== 'bytes=0-0');
    expect(ranges.map((r) => r.range)).toEqual([expect.stringMatching(/^bytes=[1-9]\d*-$/)]);
  });

  it('reads a file again from its start when the resumes were cut short too', async () => {
    ctx.double.faults.truncate.set('vocab.txt', 5);
    const version = await ctx.registry.resolve('sentiment', 'v2');
    expect(await readFile(path.join(version.directory, 'vocab.txt'))).toEqual(
      await readFile(path.join(EXAMPLE, '2/vocab.txt')),
    );
    expect(ctx.logger.lines.some((l) => /downloading vocab\.txt failed/.test(l))).toBe(true);
  });

  const refusals: {
    name: string;
    arrange?: (d: HuggingFaceDouble) => void;
    model?: string;
    version?: string;
    env?: NodeJS.ProcessEnv;
    code: string;
    kind: string;
    message: RegExp;
  }[] = [
    {
      name: 'unknown model (404 with a token)',
      model: 'nope',
      code: 'unknown-model',
      kind: 'usage',
      message: /model acme\/nope is not on http:\/\/127\.0\.0\.1/,
    },
    {
      name: 'private or unknown model without a token (401)',
      env: {},
      code: 'unknown-model',
      kind: 'usage',
      message: /is not on .* or is private/,
    },
    {
      name: 'unknown tag or branch',
      version: 'gold',
      code: 'unknown-version',
      kind: 'usage',
      message: /acme\/sentiment has no revision "gold"/,
    },
    {
      name: 'unknown commit id',
      version: 'f'.repeat(40),
      code: 'unknown-version',
      kind: 'usage',
      message: /has no commit "f{40}"/,
    },
    {
      name: 'a file the listing names is missing',
      arrange: (d) => d.faults.missing.add('vocab.txt'),
      code: 'download-failed',
      kind: 'failed',
      message: /vocab\.txt failed, after 3 tries/,
    },
    {
      name: 'a download cut short on every try',
      arrange: (d) => d.faults.truncate.set('weights.safetensors', 99),
      code: 'download-failed',
      kind: 'failed',
      message: /weights\.safetensors failed, after 3 tries/,
    },
    {
      name: 'bytes that are not the listed LFS sha256',
      arrange: (d) => d.faults.corrupt.add('weights.safetensors'),
      code: 'download-digest-mismatch',
      kind: 'refused',
      message: /weights\.safetensors got sha256 [0-9a-f]{64}, the registry said/,
    },
    {
      name: 'a token without access (403)',
      env: { HF_TOKEN: 'hf_no_access' },
      code: 'registry-denied',
      kind: 'failed',
      message: /the token may not read acme\/sentiment/,
    },
    {
      name: 'a wrong token (401)',
      env: { HF_TOKEN: 'hf_wrong' },
      code: 'registry-unauthorized',
      kind: 'failed',
      message: /401/,
    },
  ];
  it.each(refusals)(
    'refuses clearly: $name',
    async ({ arrange, model, version, env, code, kind, message }) => {
      arrange?.(ctx.double);
      const forbidden = await setup({ token: TOKEN, forbiddenToken: 'hf_no_access' });
      try {
        const target = env?.HF_TOKEN === 'hf_no_access' ? forbidden : ctx;
        const { registry } = env ? target.open(env) : target;
        const error = await registry.resolve(model ?? 'sentiment', version ?? 'v2').catch((e: unknown) => e);
        expect(error).toMatchObject({ code, kind });
        expect((error as Error).message).toMatch(message);
        expect((error as { hint?: string }).hint).toBeTruthy();
        expect(await readdir(path.join(target.root, 'versions')).catch(() => [])).toEqual([]);
      } finally {
        await forbidden.double.stop();
      }
    },
  );

  it('refuses a missing signature', async () => {
    const files = await exampleFiles('2');
    files.delete('model.sig');
    await ctx.double.commit('acme/sentiment', files, { branch: 'unsigned' });
    await expect(ctx.registry.resolve('sentiment', 'unsigned')).rejects.toMatchObject({
      code: 'signature-missing',
      kind: 'refused',
    });
    await expect(ctx.registry.resolveListed('sentiment', 'unsigned')).rejects.toMatchObject({
      code: 'signature-missing',
    });
  });

  it('lists a revision to stream: the signature read, no model file, nothing in the cache', async () => {
    const listed = await ctx.registry.resolveListed('sentiment', 'champion');
    expect(listed).toMatchObject({
      version: ctx.v2,
      requested: 'champion',
      aliases: ['champion', 'main', 'v2'],
      signatureName: 'model.sig',
      label: `acme/sentiment@${ctx.v2.slice(0, 12)} from ${ctx.double.endpoint}`,
    });
    expect(listed.labels).toMatchObject({ 'gpu-memory': '40Gi', accelerator: 'nvidia' });
    expect(listed.files.map((f) => f.path)).toEqual(FILES.filter((f) => f !== 'model.sig'));
    expect(Buffer.from(listed.signature).equals(await readFile(path.join(EXAMPLE, '2/model.sig')))).toBe(
      true,
    );
    expect(downloads(ctx.double)).toEqual([`/acme/sentiment/resolve/${ctx.v2}/model.sig`]);
    expect(await readdir(ctx.root)).toEqual([]);
  });

  it('refuses to resume from an offset when the answer to a Range request is the whole file', async () => {
    // The real double behind a fetch that drops every Range header but @huggingface/hub's size
    // probe (bytes=0-0): a proxy on the way that does not pass ranges on.
    const noRanges: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      if (headers.get('range') !== 'bytes=0-0') headers.delete('range');
      return fetch(input, { ...init, headers });
    };
    const registry = openHuggingFaceRegistry(ctx.double.uri('acme'), {
      env: { HF_TOKEN: TOKEN },
      logger: new MemoryLogger(),
      cache: new DownloadCache(ctx.root),
      fetch: noRanges,
      retries: 0,
    });
    const listed = await registry.resolveListed('sentiment', ctx.v2);
    const weights = listed.files.find((f) => f.path === 'weights.safetensors')!;
    await expect(weights.openFrom!(100)).rejects.toMatchObject({
      code: 'invalid-response',
      message: expect.stringMatching(/answered 200, not 206 from byte 100/),
    });
  });
});

describe('Hugging Face registry URI and token', () => {
  const options = () => ({ logger: new MemoryLogger(), cache: new DownloadCache('/nonexistent') });

  it.each(['hf://', 'hf://acme/sentiment', 'hf://acme?endpoint=ftp://x', 'hf://acme?other=1'])(
    'rejects %s as usage',
    (uri) => {
      expect(() => openHuggingFaceRegistry(uri, { env: {}, ...options() })).toThrow(
        expect.objectContaining({ code: 'registry-uri-invalid', kind: 'usage' }),
      );
    },
  );

  it('takes the hub from ?endpoint=, else HF_ENDPOINT, else huggingface.co', () => {
    const hub = (uri: string, env: NodeJS.ProcessEnv = {}) =>
      openHuggingFaceRegistry(uri, { env, ...options() }).hubUrl;
    expect(hub('hf://acme?endpoint=https://hub.example.com/')).toBe('https://hub.example.com');
    expect(hub('hf://acme', { HF_ENDPOINT: 'https://private.example.com' })).toBe(
      'https://private.example.com',
    );
    expect(hub('hf://acme')).toBe('https://huggingface.co');
  });

  it('refuses a token @huggingface/hub would not send, as usage', () => {
    expect(() => openHuggingFaceRegistry('hf://acme', { env: { HF_TOKEN: 'not-hf' }, ...options() })).toThrow(
      expect.objectContaining({ code: 'registry-unauthorized', kind: 'usage' }),
    );
  });

  it('labels: key:value tags, card scalars over them, then the labels map', () => {
    expect(
      hubLabels({ a: '1', b: 2, list: ['x'], labels: { a: 'over', c: true } }, ['a:tag', 'plain', 'd:4']),
    ).toEqual({ a: 'over', b: '2', c: 'true', d: '4' });
  });
});
