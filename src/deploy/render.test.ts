import { describe, expect, it } from '@jest/globals';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { DNS_LABEL, LABEL_VALUE } from './labels.js';
import { IMAGE, IMAGE_DIGEST, MODEL_DIGEST, pool, renderInput } from '../../test/deploy/render-fixture.js';
import { renderManifests, type KubernetesObject, type RenderInput } from './render.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered objects are read as plain data */
const models: Record<string, new (data: any) => { validate(): void }> = {
  ConfigMap,
  Deployment,
  Service,
  HorizontalPodAutoscaler,
};

function render(overrides: Partial<RenderInput> = {}) {
  const objects = renderManifests(renderInput(overrides));
  for (const object of objects) {
    const Model = models[object.kind];
    if (!Model) throw new Error(`no model for ${object.kind}`);
    new Model(object).validate();
  }
  const byKind = (kind: string) => objects.find((o) => o.kind === kind) as any;
  return {
    objects,
    configMap: byKind('ConfigMap'),
    deployment: byKind('Deployment'),
    service: byKind('Service'),
    hpa: byKind('HorizontalPodAutoscaler'),
  };
}
const podSpec = (deployment: any) => deployment.spec.template.spec;
const serverContainer = (deployment: any) => podSpec(deployment).containers[0];

describe('renderManifests (deployment form)', () => {
  it('renders ConfigMap, Deployment, Service, then the HPA, all valid', () => {
    const { objects } = render();
    expect(objects.map((o) => o.kind)).toEqual([
      'ConfigMap',
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
    ]);
    expect(objects.map((o) => o.metadata.namespace)).toEqual(['models', 'models', 'models', 'models']);
    expect(objects[1]?.metadata.name).toBe('sentiment-production');
  });

  it('renders no HPA when the pool cannot scale', () => {
    const { objects } = render({ pool: pool({ scaling: { minReplicas: 3, maxReplicas: 3 } }) });
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment', 'Service']);
  });

  it('runs the image by digest, reading its environment from the ConfigMap', () => {
    const { configMap, deployment } = render();
    const container = serverContainer(deployment);
    expect(container.image).toBe(IMAGE);
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    expect(configMap.metadata.name).toMatch(/^sentiment-production-[0-9a-f]{10}$/);
    expect(configMap.immutable).toBe(true);
    expect(configMap.data).toMatchObject({
      MODEL_NAME: 'sentiment',
      MODEL_VERSION: '7',
      MODEL_DIGEST,
      MODEL_PATH: '/models',
      SERVING_PORT: '8080',
      SERVING_HEALTH_PATH: '/healthz',
      SERVING_INFERENCE_PATH: '/v1/predict',
      ACCELERATOR_VENDOR: 'nvidia',
    });
  });

  it('rolls out safely', () => {
    const { deployment } = render();
    expect(deployment.spec).toMatchObject({
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 900,
    });
    expect(serverContainer(deployment).securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(serverContainer(deployment).volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'dshm', mountPath: '/dev/shm' },
    ]);
    expect(podSpec(deployment).volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'dshm', emptyDir: { medium: 'Memory' } },
    ]);
  });

  const probeCases: Array<{
    title: string;
    serving: Record<string, unknown>;
    health: string;
    ready: string;
    port: number;
  }> = [
    { title: 'defaults', serving: {}, health: '/healthz', ready: '/healthz', port: 8080 },
    {
      title: 'own readiness path and port',
      serving: { port: 9000, healthPath: '/live', readinessPath: '/ready' },
      health: '/live',
      ready: '/ready',
      port: 9000,
    },
  ];
  it.each(probeCases)('probes: $title', ({ serving, health, ready, port }) => {
    const { deployment, service, configMap } = render({ pool: pool({ serving }) });
    const container = serverContainer(deployment);
    expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: health, port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: health, port: 'http' });
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBe(600);
    expect(container.readinessProbe.httpGet).toEqual({ path: ready, port: 'http' });
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(configMap.data.SERVING_READINESS_PATH).toBe(ready);
  });

  const resourceCases: Array<{
    title: string;
    accelerator?: Record<string, unknown>;
    extended: Record<string, string>;
    shm: boolean;
  }> = [
    {
      title: 'nvidia x2',
      accelerator: { vendor: 'nvidia', count: 2 },
      extended: { 'nvidia.com/gpu': '2' },
      shm: true,
    },
    { title: 'amd', accelerator: { vendor: 'amd' }, extended: { 'amd.com/gpu': '1' }, shm: true },
    {
      title: 'aws inferentia',
      accelerator: { vendor: 'aws', product: 'inferentia2' },
      extended: { 'aws.amazon.com/neuron': '1' },
      shm: true,
    },
    { title: 'CPU pool', accelerator: undefined, extended: {}, shm: false },
  ];
  it.each(resourceCases)('resources: $title', ({ accelerator, extended, shm }) => {
    const { deployment } = render({ pool: pool({ accelerator }) });
    const expected = { cpu: '8', memory: '64Gi', ...extended };
    expect(serverContainer(deployment).resources).toEqual({ requests: expected, limits: expected });
    expect(podSpec(deployment).volumes.some((v: { name: string }) => v.name === 'dshm')).toBe(shm);
  });

  it('passes nodeSelector and tolerations through, and leaves them out when empty', () => {
    const nodeSelector = { 'nvidia.com/gpu.product': 'A100-SXM4-80GB', 'pool.acme.dev/name': 'a100' };
    const tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
    const { deployment } = render({ pool: pool({ nodeSelector, tolerations }) });
    expect(podSpec(deployment).nodeSelector).toEqual(nodeSelector);
    expect(podSpec(deployment).tolerations).toEqual(tolerations);
    const plain = render().deployment;
    expect(podSpec(plain)).not.toHaveProperty('nodeSelector');
    expect(podSpec(plain)).not.toHaveProperty('tolerations');
  });

  const hpaCases: Array<{ title: string; scaling: Record<string, unknown>; metrics: unknown[] }> = [
    {
      title: 'CPU target',
      scaling: { minReplicas: 1, maxReplicas: 4, targetCPUUtilization: 60 },
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
        },
      ],
    },
    {
      title: 'default CPU target',
      scaling: { minReplicas: 1, maxReplicas: 4 },
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    },
    {
      title: 'pool metrics win',
      scaling: {
        minReplicas: 2,
        maxReplicas: 8,
        targetCPUUtilization: 60,
        metrics: [
          {
            type: 'Pods',
            pods: {
              metric: { name: 'inference_queue_depth' },
              target: { type: 'AverageValue', averageValue: '4' },
            },
          },
        ],
      },
      metrics: [
        {
          type: 'Pods',
          pods: {
            metric: { name: 'inference_queue_depth' },
            target: { type: 'AverageValue', averageValue: '4' },
          },
        },
      ],
    },
  ];
  it.each(hpaCases)('HPA: $title', ({ scaling, metrics }) => {
    const { hpa, deployment } = render({ pool: pool({ scaling }) });
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      metrics,
    });
    expect(deployment.spec.replicas).toBe(scaling.minReplicas);
  });

  it('refuses a CPU utilization target when the container requests no CPU', () => {
    expect(() => renderManifests(renderInput({ pool: pool({ cpu: undefined }) }))).toThrow(
      expect.objectContaining({ code: 'scaling-needs-request', kind: 'usage' }),
    );
  });

  it('keeps every name and label valid for long and odd model names', () => {
    const model = {
      name: 'Acme/' + 'very-long-transformer-model-name_'.repeat(4),
      version: '2024.06.01+' + 'x'.repeat(80),
      digest: MODEL_DIGEST,
    };
    const { objects, deployment } = render({ model, environment: 'production' });
    for (const object of objects) {
      // A ConfigMap name is a DNS subdomain (253); the others are DNS labels (63).
      expect(object.metadata.name.length).toBeLessThanOrEqual(object.kind === 'ConfigMap' ? 74 : 63);
      expect(object.metadata.name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
      for (const value of Object.values(object.metadata.labels ?? {})) {
        expect(value.length).toBeLessThanOrEqual(63);
        expect(value).toMatch(LABEL_VALUE);
      }
      expect(object.metadata.annotations?.['model-promote.dev/model']).toBe(model.name);
      expect(object.metadata.annotations?.['model-promote.dev/version']).toBe(model.version);
    }
    expect(deployment.metadata.name).toMatch(DNS_LABEL);
  });

  it('labels the digest as a prefix and annotates it in full, on every object', () => {
    const { objects } = render();
    for (const object of objects) {
      expect(object.metadata.labels?.['model-promote.dev/model-digest']).toBe(
        MODEL_DIGEST.replace(':', '-').slice(0, 63),
      );
      expect(object.metadata.annotations).toMatchObject({
        'model-promote.dev/model-digest': MODEL_DIGEST,
        'model-promote.dev/image-digest': IMAGE_DIGEST,
        'model-promote.dev/image': IMAGE,
        'model-promote.dev/promotion-id': 'gh-123456-1',
      });
    }
  });

  it('selects pods by labels that do not change with the version', () => {
    const v7 = render().deployment;
    const v8 = render({
      model: { name: 'sentiment', version: '8', digest: `sha256:${'c3'.repeat(32)}` },
    }).deployment;
    expect(v8.spec.selector).toEqual(v7.spec.selector);
    expect(v7.spec.template.metadata.labels).toMatchObject(v7.spec.selector.matchLabels);
    expect(v8.spec.template).not.toEqual(v7.spec.template);
  });

  it('rolls the pods for a new model digest or image, not for a new promotion id', () => {
    const template = (input: Partial<RenderInput>) => render(input).deployment.spec.template;
    const base = template({});
    expect(
      template({
        promotionId: 'gh-999-2',
        sourceRunUrl: 'https://ci/2',
        model: { name: 'sentiment', version: '7', digest: MODEL_DIGEST, requested: '7' },
      }),
    ).toEqual(base);
    expect(
      template({ model: { name: 'sentiment', version: '7', digest: `sha256:${'d4'.repeat(32)}` } }),
    ).not.toEqual(base);
    const other = `sha256:${'e5'.repeat(32)}`;
    expect(
      template({ image: { reference: `registry.example.com/models/sentiment@${other}`, digest: other } }),
    ).not.toEqual(base);
  });

  const imageCases: Array<{ title: string; reference: string; digest: string; code?: string }> = [
    {
      title: 'tag',
      reference: 'registry.example.com/models/sentiment:7',
      digest: IMAGE_DIGEST,
      code: 'image-not-pinned',
    },
    {
      title: 'tag and digest',
      reference: `registry.example.com/models/sentiment:7@${IMAGE_DIGEST}`,
      digest: IMAGE_DIGEST,
    },
    {
      title: 'short digest',
      reference: 'registry.example.com/models/sentiment@sha256:abc',
      digest: 'sha256:abc',
      code: 'image-not-pinned',
    },
    {
      title: 'other digest',
      reference: IMAGE,
      digest: `sha256:${'f6'.repeat(32)}`,
      code: 'image-digest-mismatch',
    },
    { title: 'OCI layout', reference: `oci-layout:out/image@${IMAGE_DIGEST}`, digest: IMAGE_DIGEST },
  ];
  it.each(imageCases)('image: $title', ({ reference, digest, code }) => {
    const run = () => renderManifests(renderInput({ image: { reference, digest } }));
    if (code) expect(run).toThrow(expect.objectContaining({ code, name: 'RenderError' }));
    else expect(serverContainer(run()[1]).image).toBe(reference);
  });

  it('is pure: same output twice, input untouched', () => {
    const input = renderInput({
      pool: pool({ tolerations: [{ key: 'gpu', operator: 'Exists' }], nodeSelector: { a: 'b' } }),
    });
    const before = structuredClone(input);
    const first: KubernetesObject[] = renderManifests(input);
    (first[1] as any).spec.template.spec.tolerations[0].key = 'changed';
    expect(renderManifests(input)).not.toEqual(first);
    expect(input).toEqual(before);
  });
});
