import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CATALOG_PATH, formatFieldPath, loadCatalog, parseCatalog } from './catalog-loader.js';
import { EnvironmentError, formatIssue } from './environment-error.js';

const head = `apiVersion: model-promote/v1
kind: ComputeCatalog
environments:
  production:
    pools:
      - name: gpu
`;
const withImage = `${head}        image: { base: { default: scratch } }\n`;

function issuesOf(text: string): string[] {
  try {
    parseCatalog(text, 'examples/catalog.yaml', '/repo/examples');
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    expect(error).toMatchObject({ kind: 'usage', code: 'invalid-catalog', exitCode: 2 });
    expect(error.hint).toContain('docs/catalog.md');
    expect(error.location).toEqual(error.issues[0]?.location);
    expect(error.message.split('\n').slice(1)).toEqual(error.issues.map(formatIssue));
    return error.issues.map(formatIssue);
  }
  throw new Error('expected the catalog to be refused');
}

describe('parseCatalog: errors name file:line:column and the field', () => {
  const cases: { name: string; text: string; issues: string[] }[] = [
    {
      name: 'YAML syntax',
      text: `${head}        image: { base: { default: scratch }\n`,
      issues: [
        'examples/catalog.yaml:8:1: YAML: Flow map in block collection must be sufficiently indented and end with a }',
      ],
    },
    {
      name: 'an alias bomb (each level nine times the last)',
      text:
        'a: &a [x, x, x, x, x, x, x, x, x]\n' +
        ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']
          .map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)
          .join('\n') +
        '\n',
      issues: [
        'examples/catalog.yaml:1:1: YAML: Excessive alias count indicates a resource exhaustion attack',
      ],
    },
    {
      name: 'a number out of its range',
      text: `${withImage}        scaling: { minReplicas: 1, maxReplicas: 100000 }\n        accelerator: { vendor: nvidia, count: -1 }\n`,
      issues: [
        'examples/catalog.yaml:8:36: environments.production.pools[0].scaling.maxReplicas: must be <= 1000',
        'examples/catalog.yaml:9:40: environments.production.pools[0].accelerator.count: must be >= 0',
      ],
    },
    {
      name: 'duplicate key',
      text: `${withImage}        image: {}\n`,
      issues: ['examples/catalog.yaml:8:9: YAML: Map keys must be unique'],
    },
    {
      name: 'unknown field',
      text: `${withImage}        gpuz: 1\n`,
      issues: ['examples/catalog.yaml:8:9: environments.production.pools[0].gpuz: unknown field'],
    },
    {
      name: 'bad enum',
      text: `${withImage}        accelerator: { vendor: nvida }\n`,
      issues: [
        'examples/catalog.yaml:8:24: environments.production.pools[0].accelerator.vendor: must be one of nvidia, amd, intel, google, aws, none',
      ],
    },
    {
      name: 'bad quantity',
      text: `${withImage}        memory: 24GB\n`,
      issues: [
        'examples/catalog.yaml:8:9: environments.production.pools[0].memory: must be a number or a Kubernetes quantity such as 24Gi, 500m or 2',
      ],
    },
    {
      name: 'maxReplicas below minReplicas',
      text: `${withImage}        scaling:\n          minReplicas: 3\n          maxReplicas: 2\n`,
      issues: [
        'examples/catalog.yaml:10:11: environments.production.pools[0].scaling.maxReplicas: must be >= minReplicas',
      ],
    },
    {
      name: 'operator arity and comparison values',
      text:
        `${withImage}        requirements:\n          matchExpressions:\n` +
        `            - { key: a, operator: In }\n` +
        `            - { key: b, operator: Exists, values: [x] }\n` +
        `            - { key: c, operator: Gt, values: [lots] }\n` +
        `            - { key: d, operator: Lt, values: [1, 2] }\n` +
        `            - { key: e, operator: Near, values: [1] }\n`,
      issues: [
        'examples/catalog.yaml:10:25: environments.production.pools[0].requirements.matchExpressions[0].operator: In needs at least one value',
        'examples/catalog.yaml:11:43: environments.production.pools[0].requirements.matchExpressions[1].values: Exists takes no values',
        'examples/catalog.yaml:12:48: environments.production.pools[0].requirements.matchExpressions[2].values[0]: Gt compares numbers: "lots" is not a number or quantity such as 24Gi',
        'examples/catalog.yaml:13:39: environments.production.pools[0].requirements.matchExpressions[3].values: Lt needs exactly one value',
        'examples/catalog.yaml:14:25: environments.production.pools[0].requirements.matchExpressions[4].operator: must be one of In, NotIn, Exists, DoesNotExist, Gt, Ge, Lt, Le',
      ],
    },
    {
      name: 'missing required field points at its parent',
      text: `${head}        memory: 1Gi\n`,
      issues: ['examples/catalog.yaml:6:9: environments.production.pools[0].image: is required'],
    },
    {
      name: 'bad environment name',
      text: 'apiVersion: model-promote/v1\nkind: ComputeCatalog\nenvironments:\n  Prod:\n    pools: []\n',
      issues: [
        'examples/catalog.yaml:4:3: environments.Prod: invalid name: must be lower-case letters, digits and dashes (a DNS label)',
      ],
    },
    {
      name: 'wrong types',
      text: `${withImage}        priority: high\n        tolerations: {}\n`,
      issues: [
        'examples/catalog.yaml:8:9: environments.production.pools[0].priority: must be a number, not string "high"',
        'examples/catalog.yaml:9:9: environments.production.pools[0].tolerations: must be a list, not a mapping',
      ],
    },
    {
      name: 'keys with dots are quoted in the path',
      text: `${withImage}        nodeSelector:\n          nvidia.com/gpu.product: 3\n`,
      issues: [
        'examples/catalog.yaml:9:11: environments.production.pools[0].nodeSelector["nvidia.com/gpu.product"]: must be a string, not number 3',
      ],
    },
    {
      name: 'duplicate pool names',
      text: `${withImage}      - name: gpu\n        image: { base: { default: scratch } }\n`,
      issues: ['examples/catalog.yaml:8:9: environments.production.pools[1].name: duplicate pool name gpu'],
    },
    {
      name: 'bad base image, URL and namespace',
      text: `${head}        image: { base: { default: 'Bad Ref' } }\n        endpoint: nope\n        namespace: Prod\n`,
      issues: [
        'examples/catalog.yaml:7:26: environments.production.pools[0].image.base.default: must be scratch, oci-layout:PATH[:TAG] or a registry reference',
        'examples/catalog.yaml:8:9: environments.production.pools[0].endpoint: must be a URL',
        'examples/catalog.yaml:9:9: environments.production.pools[0].namespace: must be lower-case letters, digits and dashes (a DNS label)',
      ],
    },
    {
      name: 'wrong apiVersion and no environments',
      text: 'apiVersion: v1\nkind: ComputeCatalog\nenvironments: {}\n',
      issues: [
        'examples/catalog.yaml:1:1: apiVersion: must be "model-promote/v1"',
        'examples/catalog.yaml:3:1: environments: needs at least one environment',
      ],
    },
    {
      name: 'signing policy without trust',
      text: `apiVersion: model-promote/v1\nkind: ComputeCatalog\nenvironments:\n  production:\n    signing: { trustedRoot: root.json }\n    pools: [{ name: p, image: { base: { default: scratch } } }]\n`,
      issues: [
        'examples/catalog.yaml:5:5: environments.production.signing: a signing policy needs keyless identities, publicKeys or certificateChain',
      ],
    },
    { name: 'empty file', text: '', issues: ['examples/catalog.yaml:1:1: the catalog is empty'] },
    {
      name: 'a driver that is not a version',
      text: `${withImage}        driver: { version: 535-server, cuda: '12.x' }\n`,
      issues: [
        'examples/catalog.yaml:8:19: environments.production.pools[0].driver.version: must be a version such as 535.104.05: numbers separated by dots',
        'examples/catalog.yaml:8:40: environments.production.pools[0].driver.cuda: must be a version such as 12.2: numbers separated by dots',
      ],
    },
    {
      name: 'an unquoted runtime version (YAML reads 12.10 as 12.1)',
      text: `${withImage}        driver: { version: '550.90.07', cuda: 12.10 }\n`,
      issues: [
        "examples/catalog.yaml:8:41: environments.production.pools[0].driver.cuda: must be a quoted version such as '12.2' (YAML reads 12.10 unquoted as 12.1)",
      ],
    },
    {
      name: 'a base variant whose runtime is not a version',
      text: `${head}        image:\n          base:\n            torch: [{ ref: scratch, cuda: 'twelve' }]\n`,
      issues: [
        'examples/catalog.yaml:9:37: environments.production.pools[0].image.base.torch[0].cuda: must be a version such as 12.4: numbers separated by dots',
      ],
    },
    {
      name: 'a base variant carrying both runtimes, and one with an unknown field',
      text: `${head}        image:\n          base:\n            torch: { ref: scratch, cuda: '12.4', rocm: '6.2' }\n            onnx: { image: scratch }\n`,
      issues: [
        'examples/catalog.yaml:9:13: environments.production.pools[0].image.base.torch: a base image carries CUDA or ROCm, not both',
        'examples/catalog.yaml:10:13: environments.production.pools[0].image.base.onnx: ref: is required',
      ],
    },
  ];
  it.each(cases)('$name', ({ text, issues }) => {
    expect(issuesOf(text)).toEqual(issues);
  });
});

describe('parseCatalog: a valid catalog', () => {
  const text = `apiVersion: model-promote/v1
kind: ComputeCatalog
environments:
  production:
    signing:
      trustedRoot: trust/root.json
      publicKeys: [keys/a.pem, /etc/keys/b.pem]
      certificateChain: [../ca.pem]
    pools:
      - name: gpu
        requirements:
          matchLabels: { gpu-count: 1 }
          matchExpressions: [{ key: gpu-memory, operator: Le, values: [80] }]
        image:
          base:
            default: scratch
            onnx: oci-layout:layouts/onnx:1.18
            torch: oci-layout:/abs/torch
            triton: nvcr.io/nvidia/tritonserver:24.05-py3
`;
  const loaded = parseCatalog(text, 'ci/catalog.yaml', '/repo/ci');

  it('applies defaults', () => {
    const pool = loaded.catalog.environments.production?.pools[0];
    expect(pool).toMatchObject({
      priority: 0,
      namespace: 'default',
      form: 'deployment',
      scaling: { minReplicas: 1, maxReplicas: 1 },
      serving: { port: 8080, healthPath: '/healthz', inferencePath: '/v1/predict' },
      image: { modelPath: '/models', platform: 'linux/amd64' },
    });
    expect(loaded.catalog.environments.production?.production).toBe(false);
  });

  it('takes YAML numbers in selectors as label text', () => {
    expect(loaded.catalog.environments.production?.pools[0]?.requirements).toEqual({
      matchLabels: { 'gpu-count': '1' },
      matchExpressions: [{ key: 'gpu-memory', operator: 'Le', values: ['80'] }],
    });
  });

  it('resolves relative paths against the catalog folder, keeping the written ones', () => {
    expect(loaded.catalog.environments.production?.signing).toEqual({
      trustedRoot: '/repo/ci/trust/root.json',
      publicKeys: ['/repo/ci/keys/a.pem', '/etc/keys/b.pem'],
      certificateChain: ['/repo/ca.pem'],
    });
    expect(loaded.catalog.environments.production?.pools[0]?.image.base).toEqual({
      default: 'scratch',
      onnx: 'oci-layout:/repo/ci/layouts/onnx:1.18',
      torch: 'oci-layout:/abs/torch',
      triton: 'nvcr.io/nvidia/tritonserver:24.05-py3',
    });
    expect(loaded.written.environments.production?.signing?.publicKeys).toEqual([
      'keys/a.pem',
      '/etc/keys/b.pem',
    ]);
    expect(loaded.directory).toBe('/repo/ci');
  });

  it('makes layout paths of base variants absolute too, keeping declared runtimes', () => {
    const variants = parseCatalog(
      `${head}        image:\n          base:\n            torch:\n              - { ref: 'oci-layout:bases/torch:cu124', cuda: '12.4.1' }\n              - oci-layout:bases/torch:cu118\n`,
      'ci/catalog.yaml',
      '/repo/ci',
    );
    expect(variants.catalog.environments.production?.pools[0]?.image.base).toEqual({
      torch: [
        { ref: 'oci-layout:/repo/ci/bases/torch:cu124', cuda: '12.4.1' },
        'oci-layout:/repo/ci/bases/torch:cu118',
      ],
    });
  });

  it('locates fields for annotations', () => {
    expect(loaded.locate(['environments', 'production', 'signing', 'publicKeys', 1])).toEqual({
      file: 'ci/catalog.yaml',
      line: 7,
      column: 32,
    });
    expect(loaded.locate(['environments', 'production', 'pools', 0, 'image'])).toMatchObject({
      line: 14,
      column: 9,
    });
    expect(loaded.locate(['environments', 'nowhere', 'pools'])).toMatchObject({ line: 3, column: 1 });
  });
});

describe('loadCatalog', () => {
  it('reads a file and resolves paths against its folder', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'catalog-'));
    await writeFile(
      path.join(dir, 'c.yaml'),
      'apiVersion: model-promote/v1\nkind: ComputeCatalog\nenvironments:\n  dev:\n    pools: [{ name: p, image: { base: { default: oci-layout:base } } }]\n',
    );
    const loaded = await loadCatalog('c.yaml', dir);
    expect(loaded.file).toBe('c.yaml');
    expect(loaded.catalog.environments.dev?.pools[0]?.image.base.default).toBe(`oci-layout:${dir}/base`);
  });

  it('says how to point at a catalog when the file is missing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'catalog-'));
    const error = await loadCatalog(undefined, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error).toMatchObject({
      kind: 'usage',
      code: 'catalog-not-found',
      exitCode: 2,
      message: `catalog ${DEFAULT_CATALOG_PATH} not found`,
    });
    expect((error as EnvironmentError).hint).toContain('--catalog');
  });

  it('refuses a directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'catalog-'));
    await expect(loadCatalog('.', dir)).rejects.toMatchObject({ code: 'invalid-catalog' });
  });
});

describe('formatFieldPath', () => {
  it.each([
    {
      segments: ['environments', 'production', 'pools', 0, 'name'],
      text: 'environments.production.pools[0].name',
    },
    { segments: ['nodeSelector', 'nvidia.com/gpu'], text: 'nodeSelector["nvidia.com/gpu"]' },
    { segments: [], text: '' },
  ])('$text', ({ segments, text }) => {
    expect(formatFieldPath(segments)).toBe(text);
  });
});
