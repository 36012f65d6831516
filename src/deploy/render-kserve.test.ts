import { describe, expect, it } from '@jest/globals';
import { Container, Toleration, Volume } from 'kubernetes-models/v1';
import { z } from 'zod';
import { IMAGE, pool, renderInput } from '../../test/deploy/render-fixture.js';
import { renderManifests, type RenderInput } from './render.js';

/*
 * A HAND-WRITTEN SUBSET of KServe's serving.kserve.io/v1beta1 InferenceService (from the v1beta1
 * API reference: InferenceServiceSpec.predictor = PredictorSpec, which embeds a PodSpec and
 * ComponentExtensionSpec). It covers only the fields the renderer emits, strictly, so a misspelt
 * or unknown field fails; it is not KServe's CRD schema. The pod parts (containers, volumes,
 * tolerations) are checked with kubernetes-models below.
 */
const dnsLabel = z
  .string()
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/)
  .max(63);
const stringMap = z.record(z.string(), z.string());
const inferenceServiceSchema = z.strictObject({
  apiVersion: z.literal('serving.kserve.io/v1beta1'),
  kind: z.literal('InferenceService'),
  metadata: z.strictObject({
    name: dnsLabel,
    namespace: dnsLabel,
    labels: stringMap,
    annotations: stringMap,
  }),
  spec: z.strictObject({
    predictor: z.strictObject({
      // ComponentExtensionSpec
      minReplicas: z.number().int().min(0).optional(),
      maxReplicas: z.number().int().min(0).optional(),
      scaleTarget: z.number().int().optional(),
      scaleMetric: z.enum(['cpu', 'memory', 'concurrency', 'rps']).optional(),
      labels: stringMap.optional(),
      annotations: stringMap.optional(),
      // PodSpec (inline)
      containers: z.array(z.record(z.string(), z.unknown())).length(1),
      volumes: z.array(z.record(z.string(), z.unknown())).optional(),
      nodeSelector: stringMap.optional(),
      tolerations: z.array(z.record(z.string(), z.unknown())).optional(),
    }),
  }),
});
type InferenceService = z.infer<typeof inferenceServiceSchema>;

/* eslint-disable @typescript-eslint/no-explicit-any -- pod parts are handed to kubernetes-models */
function render(overrides: Partial<RenderInput> = {}) {
  const objects = renderManifests(renderInput({ pool: pool({ form: 'kserve' }), ...overrides }));
  const isvc: InferenceService = inferenceServiceSchema.parse(objects[1]);
  const { predictor } = isvc.spec;
  for (const container of predictor.containers) new Container(container as any).validate();
  for (const volume of predictor.volumes ?? []) new Volume(volume as any).validate();
  for (const toleration of predictor.tolerations ?? []) new Toleration(toleration as any).validate();
  return { objects, isvc, predictor, container: predictor.containers[0] as any };
}
const kserve = (overrides: Record<string, unknown>) => pool({ form: 'kserve', ...overrides });

describe('renderManifests (kserve form)', () => {
  it('renders the ConfigMap and one InferenceService, nothing else', () => {
    const { objects, isvc } = render();
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'InferenceService']);
    expect(isvc.metadata).toMatchObject({ name: 'sentiment-production', namespace: 'models' });
    expect(isvc.metadata.annotations['model-promote.dev/image']).toBe(IMAGE);
  });

  it('runs our image by digest as the custom predictor container', () => {
    const { objects, predictor, container } = render();
    expect(container).toMatchObject({
      name: 'kserve-container',
      image: IMAGE,
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      envFrom: [{ configMapRef: { name: objects[0]?.metadata.name } }],
      resources: { limits: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': '1' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
    });
    expect(predictor.annotations?.['model-promote.dev/image-digest']).toBeDefined();
  });

  it('passes placement through', () => {
    const tolerations = [{ key: 'google.com/tpu', operator: 'Exists', effect: 'NoSchedule' }];
    const nodeSelector = { 'cloud.google.com/gke-tpu-accelerator': 'tpu-v5-lite-podslice' };
    const { predictor, container } = render({
      pool: kserve({ accelerator: { vendor: 'google', count: 4 }, nodeSelector, tolerations }),
    });
    expect(predictor.nodeSelector).toEqual(nodeSelector);
    expect(predictor.tolerations).toEqual(tolerations);
    expect(container.resources.limits['google.com/tpu']).toBe('4');
  });

  const scalingCases: Array<{
    title: string;
    scaling: Record<string, unknown>;
    expected: Record<string, unknown>;
  }> = [
    {
      title: 'CPU target',
      scaling: { minReplicas: 1, maxReplicas: 3, targetCPUUtilization: 75 },
      expected: { minReplicas: 1, maxReplicas: 3, scaleMetric: 'cpu', scaleTarget: 75 },
    },
    {
      title: 'memory metric',
      scaling: {
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 85 } },
          },
        ],
      },
      expected: { minReplicas: 1, maxReplicas: 3, scaleMetric: 'memory', scaleTarget: 85 },
    },
    {
      title: 'no target: KServe default',
      scaling: { minReplicas: 1, maxReplicas: 3 },
      expected: { minReplicas: 1, maxReplicas: 3 },
    },
    {
      title: 'fixed size',
      scaling: { minReplicas: 2, maxReplicas: 2, targetCPUUtilization: 50 },
      expected: { minReplicas: 2, maxReplicas: 2 },
    },
  ];
  it.each(scalingCases)('scaling: $title', ({ scaling, expected }) => {
    const { predictor } = render({ pool: kserve({ scaling }) });
    const { minReplicas, maxReplicas, scaleMetric, scaleTarget } = predictor;
    expect(JSON.parse(JSON.stringify({ minReplicas, maxReplicas, scaleMetric, scaleTarget }))).toEqual(
      expected,
    );
  });

  it('refuses metrics scaleMetric/scaleTarget cannot express', () => {
    const metrics = [
      {
        type: 'Pods',
        pods: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '4' } },
      },
    ];
    expect(() =>
      renderManifests(
        renderInput({ pool: kserve({ scaling: { minReplicas: 1, maxReplicas: 3, metrics } }) }),
      ),
    ).toThrow(expect.objectContaining({ code: 'kserve-metrics-unsupported', kind: 'usage' }));
  });

  it('keeps the name short enough for the names KServe derives from it', () => {
    const { isvc } = render({
      model: {
        name: 'multilingual-sentiment-classifier-large',
        version: '1',
        digest: `sha256:${'0'.repeat(64)}`,
      },
    });
    expect(isvc.metadata.name.length).toBeLessThanOrEqual(45);
    expect(isvc.metadata.name).toMatch(/^multilingual-sentiment-classifier-la-[0-9a-f]{8}$/);
  });
});
