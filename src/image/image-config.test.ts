import { describe, expect, it } from '@jest/globals';
import { poolSchema } from '../environments/catalog-schema.js';
import type { ImageConfig } from '../oci/types.js';
import { applyConfigChanges, configChanges, createdAt, driverEnvName, mergeEnv } from './image-config.js';

const model = { name: 'sentiment', version: '1.4.0', digest: `sha256:${'a'.repeat(64)}` };

function pool(extra: Record<string, unknown> = {}, image: Record<string, unknown> = {}) {
  return poolSchema.parse({ name: 'gpu-a100', image: { base: { default: 'scratch' }, ...image }, ...extra });
}

const base: ImageConfig = {
  architecture: 'amd64',
  os: 'linux',
  config: {
    Env: ['PATH=/usr/bin', 'LANG=C.UTF-8', 'CUDA_VERSION=11.8'],
    Entrypoint: ['/bin/sh'],
    Cmd: ['-c', 'serve'],
    WorkingDir: '/srv',
    Labels: { 'org.opencontainers.image.title': 'base', keep: 'me' },
  },
  rootfs: { type: 'layers', diff_ids: [`sha256:${'b'.repeat(64)}`] },
  history: [{ created_by: 'base layer' }],
};

describe('createdAt', () => {
  it.each([
    { epoch: 0, created: '1970-01-01T00:00:00Z' },
    { epoch: 1700000000, created: '2023-11-14T22:13:20Z' },
  ])('$epoch -> $created', ({ epoch, created }) => expect(createdAt(epoch)).toBe(created));
});

describe('driverEnvName', () => {
  it.each([
    { key: 'cuda', env: 'CUDA_VERSION' },
    { key: 'rocm', env: 'ROCM_VERSION' },
    { key: 'version', env: 'DRIVER_VERSION' },
    { key: 'tensorrtVersion', env: 'TENSORRT_VERSION' },
    { key: 'neuron-sdk', env: 'NEURON_SDK_VERSION' },
  ])('$key -> $env', ({ key, env }) => expect(driverEnvName(key)).toBe(env));
});

describe('mergeEnv', () => {
  it.each([
    { name: 'appends new keys', base: ['A=1'], changes: [['B', '2']], env: ['A=1', 'B=2'] },
    { name: 'replaces in place', base: ['A=1', 'B=2'], changes: [['A', '3']], env: ['A=3', 'B=2'] },
    {
      name: 'later change wins',
      base: [],
      changes: [
        ['A', '1'],
        ['A', '2'],
      ],
      env: ['A=2'],
    },
    { name: 'keys are whole names', base: ['AB=1'], changes: [['A', '2']], env: ['AB=1', 'A=2'] },
  ] as const)('$name', ({ base: b, changes, env }) => expect(mergeEnv(b, changes)).toEqual(env));
});

describe('configChanges + applyConfigChanges', () => {
  it('merges env (base < driver < pool < model facts) and labels (base < pool < ours)', () => {
    const changes = configChanges({
      pool: pool(
        {
          accelerator: { vendor: 'nvidia', product: 'A100-SXM4-80GB' },
          driver: { version: '550.54', cuda: '12.4' },
        },
        {
          env: { LANG: 'en_US.UTF-8', MODEL_PATH: '/elsewhere' },
          labels: { team: 'nlp', 'org.opencontainers.image.title': 'x' },
        },
      ),
      model,
      modelPath: '/models',
      base: { name: 'oci-layout:bases/serving:1', digest: `sha256:${'c'.repeat(64)}` },
      sourceDateEpoch: 1700000000,
      source: 'https://github.com/acme/models',
    });
    const config = applyConfigChanges(base, changes, [
      { diffId: `sha256:${'d'.repeat(64)}`, createdBy: 'model-promote: COPY x' },
    ]);
    expect(config.config?.Env).toEqual([
      'PATH=/usr/bin',
      'LANG=en_US.UTF-8',
      'CUDA_VERSION=12.4',
      'DRIVER_VERSION=550.54',
      'MODEL_PATH=/models',
      'MODEL_NAME=sentiment',
      'MODEL_VERSION=1.4.0',
    ]);
    expect(config.config?.Labels).toEqual({
      keep: 'me',
      team: 'nlp',
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
      'org.opencontainers.image.title': 'sentiment',
      'org.opencontainers.image.version': '1.4.0',
      'org.opencontainers.image.source': 'https://github.com/acme/models',
      'org.opencontainers.image.base.name': 'oci-layout:bases/serving:1',
      'org.opencontainers.image.base.digest': `sha256:${'c'.repeat(64)}`,
      'dev.model-promote.model.name': 'sentiment',
      'dev.model-promote.model.version': '1.4.0',
      'dev.model-promote.model.digest': model.digest,
      'dev.model-promote.pool': 'gpu-a100',
      'dev.model-promote.accelerator': 'nvidia/A100-SXM4-80GB',
      'dev.model-promote.driver.cuda': '12.4',
      'dev.model-promote.driver.version': '550.54',
    });
    expect(config.created).toBe('2023-11-14T22:13:20Z');
    expect(config.config?.WorkingDir).toBe('/srv');
    expect(config.rootfs.diff_ids).toEqual([`sha256:${'b'.repeat(64)}`, `sha256:${'d'.repeat(64)}`]);
    expect(config.history).toEqual([
      { created_by: 'base layer' },
      { created: '2023-11-14T22:13:20Z', created_by: 'model-promote: COPY x' },
    ]);
    expect(changes.annotations).not.toHaveProperty('dev.model-promote.pool');
  });

  it('leaves the base config as it was', () => {
    const before = JSON.stringify(base);
    applyConfigChanges(
      base,
      configChanges({ pool: pool(), model, modelPath: '/m', base: {}, sourceDateEpoch: 0 }),
      [],
    );
    expect(JSON.stringify(base)).toBe(before);
  });

  it.each([
    { name: 'neither: base kept', image: {}, entrypoint: ['/bin/sh'], cmd: ['-c', 'serve'] },
    {
      name: 'cmd only: base entrypoint kept',
      image: { cmd: ['run'] },
      entrypoint: ['/bin/sh'],
      cmd: ['run'],
    },
    {
      name: 'entrypoint only: base cmd dropped',
      image: { entrypoint: ['/serve'] },
      entrypoint: ['/serve'],
      cmd: undefined,
    },
    {
      name: 'both',
      image: { entrypoint: ['/serve'], cmd: ['--port', '8080'] },
      entrypoint: ['/serve'],
      cmd: ['--port', '8080'],
    },
  ])('entrypoint/cmd: $name', ({ image, entrypoint, cmd }) => {
    const changes = configChanges({
      pool: pool({}, image),
      model,
      modelPath: '/m',
      base: {},
      sourceDateEpoch: 0,
    });
    const config = applyConfigChanges(base, changes, []);
    expect(config.config?.Entrypoint).toEqual(entrypoint);
    expect(config.config?.Cmd).toEqual(cmd);
  });
});
