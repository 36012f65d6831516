import { describe, expect, it } from '@jest/globals';
import { configChanges } from './image-config.js';
import { checkStep, fromOperand, quoteWord, renderContainerfile } from './containerfile.js';
import { testModel, testPool } from '../../test/image/image-fixtures.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

function planFor(image: Record<string, unknown> = {}) {
  const pool = testPool(image);
  return {
    modelPath: pool.image.modelPath,
    config: configChanges({
      pool,
      model: testModel,
      modelPath: pool.image.modelPath,
      base: {},
      sourceDateEpoch: 1_700_000_000,
    }),
  };
}

describe('renderContainerfile', () => {
  it('scratch, no steps: FROM, COPY, ENV, LABEL from the same config changes as the daemonless build', () => {
    const text = renderContainerfile({
      base: { kind: 'scratch' },
      plan: planFor(),
      steps: [],
      title: 'built for gpu-a100',
    });
    expect(text).toBe(
      [
        '# built for gpu-a100',
        'FROM scratch',
        'COPY --chown=0:0 model/ "/models/"',
        'ENV CUDA_VERSION="12.4" \\',
        '    DRIVER_VERSION="550.54" \\',
        '    MODEL_PATH="/models" \\',
        '    MODEL_NAME="sentiment" \\',
        '    MODEL_VERSION="1.4.0"',
        'LABEL "org.opencontainers.image.created"="2023-11-14T22:13:20Z" \\',
        '      "org.opencontainers.image.title"="sentiment" \\',
        '      "org.opencontainers.image.version"="1.4.0" \\',
        '      "dev.model-promote.model.name"="sentiment" \\',
        '      "dev.model-promote.model.version"="1.4.0" \\',
        `      "dev.model-promote.model.digest"="${testModel.digest}" \\`,
        '      "dev.model-promote.pool"="gpu-a100" \\',
        '      "dev.model-promote.accelerator"="nvidia/A100-SXM4-80GB" \\',
        '      "dev.model-promote.driver.cuda"="12.4" \\',
        '      "dev.model-promote.driver.version"="550.54"',
        '',
      ].join('\n'),
    );
  });

  const cases = [
    {
      name: 'registry base by digest, steps in order',
      base: { kind: 'registry' as const, name: 'nvcr.io/nvidia/tritonserver:24.05-py3', digest: DIGEST },
      image: {},
      steps: ['RUN apt-get install -y libgomp1', '  run echo done  '],
      contains: [
        `FROM nvcr.io/nvidia/tritonserver@${DIGEST}`,
        'RUN apt-get install -y libgomp1\nRUN echo done\nCOPY --chown=0:0 model/ "/models/"',
      ],
    },
    {
      name: 'a registry host with a port keeps it',
      base: { kind: 'registry' as const, name: '127.0.0.1:5000/base:1', digest: DIGEST },
      image: {},
      steps: [],
      contains: [`FROM 127.0.0.1:5000/base@${DIGEST}`],
    },
    {
      name: 'modelPath, entrypoint and cmd',
      base: { kind: 'scratch' as const },
      image: {
        modelPath: '/opt/model/',
        entrypoint: ['/serve', '--port=8080'],
        cmd: ['--model', '$MODEL_PATH'],
      },
      steps: [],
      contains: [
        'COPY --chown=0:0 model/ "/opt/model/"',
        'ENTRYPOINT ["/serve","--port=8080"]\nCMD ["--model","$MODEL_PATH"]\n',
      ],
    },
    {
      name: 'values are quoted, $ not expanded',
      base: { kind: 'scratch' as const },
      image: { env: { PROMPT: 'say "hi" $HOME \\n' }, labels: { 'x.y': 'a"b' } },
      steps: [],
      contains: ['PROMPT="say \\"hi\\" \\$HOME \\\\n"', '"x.y"="a\\"b"'],
    },
  ];

  it.each(cases)('$name', ({ base, image, steps, contains }) => {
    const text = renderContainerfile({ base, plan: planFor(image), steps });
    for (const part of contains) expect(text).toContain(part);
    expect(renderContainerfile({ base, plan: planFor(image), steps })).toBe(text);
  });
});

describe('checkStep', () => {
  it.each([
    {
      step: 'RUN apt-get update && apt-get install -y libgomp1',
      ok: 'RUN apt-get update && apt-get install -y libgomp1',
    },
    { step: 'env A=1', ok: 'ENV A=1' },
    { step: 'WORKDIR /srv', ok: 'WORKDIR /srv' },
    { step: 'FROM ubuntu', error: /does not start with one of/ },
    { step: 'COPY secrets /', error: /does not start with one of RUN/ },
    { step: 'ADD https://example.com/x /x', error: /does not start with one of/ },
    { step: 'RUN a\nFROM evil', error: /spans several lines/ },
    { step: 'RUN', error: /does not start with one of/ },
    { step: '# comment', error: /does not start/ },
  ])('$step', ({ step, ok, error }) => {
    if (ok) expect(checkStep(step, 0)).toBe(ok);
    else {
      expect(() => checkStep(step, 2)).toThrow(error);
      expect(() => checkStep(step, 2)).toThrow(/builder step 3/);
    }
  });
});

describe('fromOperand and quoteWord', () => {
  it('refuses a registry base without a digest', () => {
    expect(() => fromOperand({ kind: 'registry', name: 'ubuntu:24.04' })).toThrow(
      expect.objectContaining({ code: 'builder-base-unsupported' }),
    );
  });
  it('drops a digest already in the name', () => {
    expect(fromOperand({ kind: 'registry', name: `ghcr.io/a/b@${DIGEST}`, digest: DIGEST })).toBe(
      `ghcr.io/a/b@${DIGEST}`,
    );
  });
  it('refuses line breaks in a value', () => {
    expect(() => quoteWord('a\nRUN x')).toThrow(expect.objectContaining({ code: 'builder-step-invalid' }));
  });
});

describe('renderContainerfile with the signature', () => {
  it('copies it after the model, in an instruction (so a layer) of its own', () => {
    const plan = { ...planFor(), signaturePath: '/models/model.sig' };
    const lines = renderContainerfile({ base: { kind: 'scratch' }, plan, steps: [] }).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'FROM scratch',
      'COPY --chown=0:0 model/ "/models/"',
      'COPY --chown=0:0 signature/model.sig "/models/model.sig"',
    ]);
  });
});
