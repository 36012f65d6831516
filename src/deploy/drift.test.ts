import { describe, expect, it } from '@jest/globals';
import {
  fieldChanges,
  objectDrift,
  ownsPath,
  podImageDrift,
  replicaRangeDrift,
  type ManagedFieldsEntry,
} from './drift.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

interface TestDeployment {
  [key: string]: unknown;
  metadata: {
    [key: string]: unknown;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    resourceVersion: string;
  };
  spec: {
    replicas: number;
    paused?: boolean;
    template: { spec: { containers: { [key: string]: unknown; name: string; image: string }[] } };
  };
  status: unknown;
}

/** A Deployment as we apply it; `change` edits a copy. */
function deployment(change: (d: TestDeployment) => void = () => {}, managedFields?: ManagedFieldsEntry[]) {
  const d: TestDeployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'sentiment-production',
      namespace: 'models',
      labels: { app: 'sentiment' },
      annotations: { 'model-promote.dev/version': '2' },
      resourceVersion: '7',
      uid: 'u-1',
      generation: 3,
      ...(managedFields ? { managedFields } : {}),
    },
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [
            {
              name: 'model-server',
              image: `r/m@${DIGEST}`,
              env: [{ name: 'A', value: '1' }],
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
            },
            { name: 'sidecar', image: 'busybox' },
          ],
        },
      },
    },
    status: { replicas: 2 },
  };
  change(d);
  return d;
}

const ours: ManagedFieldsEntry = {
  manager: 'model-promote',
  operation: 'Apply',
  fieldsV1: {
    'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:annotations': { 'f:model-promote.dev/version': {} } },
    'f:spec': {
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"model-server"}': {
              'f:env': { 'k:{"name":"A"}': { 'f:value': {} } },
              'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { 'f:containerPort': {} } },
            },
          },
        },
      },
    },
  },
};
const scaledBy = (manager: string): ManagedFieldsEntry => ({
  manager,
  operation: 'Update',
  subresource: 'scale',
  time: '2026-12-05T10:00:00Z',
  fieldsV1: { 'f:spec': { 'f:replicas': {} } },
});
const imageSetBy = (manager: string): ManagedFieldsEntry => ({
  manager,
  operation: 'Update',
  time: '2026-12-05T11:00:00Z',
  fieldsV1: {
    'f:spec': {
      'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"model-server"}': { 'f:image': {} } } } },
    },
  },
});

describe('objectDrift: the live object against the dry run of what we applied', () => {
  const cases: {
    name: string;
    live: Record<string, unknown>;
    want: { kind: string; field: string; expected: string; live: string; manager?: string }[];
  }[] = [
    {
      name: 'nothing changed; server fields and status differ',
      live: deployment((d) => {
        d.metadata.resourceVersion = '99';
        d.status = { replicas: 5 };
      }),
      want: [],
    },
    {
      name: 'scaled by kubectl: the replica count, and the manager that owns it now',
      live: deployment((d) => (d.spec.replicas = 5), [ours, scaledBy('kubectl-scale')]),
      want: [
        { kind: 'replicas', field: 'spec.replicas', expected: '2', live: '5', manager: 'kubectl-scale' },
      ],
    },
    {
      name: 'an image set by hand, in a named list element',
      live: deployment(
        (d) => (d.spec.template.spec.containers[0]!.image = `r/m@${OTHER}`),
        [ours, imageSetBy('kubectl-set')],
      ),
      want: [
        {
          kind: 'field',
          field: 'spec.template.spec.containers[model-server].image',
          expected: `r/m@${DIGEST}`,
          live: `r/m@${OTHER}`,
          manager: 'kubectl-set',
        },
      ],
    },
    {
      name: 'a reordered named list is not drift',
      live: deployment((d) => d.spec.template.spec.containers.reverse()),
      want: [],
    },
    {
      name: 'a label removed by a non-apply write: nobody owns it, the last other writer is named',
      live: deployment((d) => delete d.metadata.labels['app'], [ours, imageSetBy('kubectl-edit')]),
      want: [
        {
          kind: 'field',
          field: 'metadata.labels.app',
          expected: 'sentiment',
          live: '(absent)',
          manager: 'kubectl-edit (last writer)',
        },
      ],
    },
    {
      name: 'a dotted annotation key is quoted in the path',
      live: deployment((d) => (d.metadata.annotations['model-promote.dev/version'] = '1')),
      want: [
        {
          kind: 'field',
          field: 'metadata.annotations["model-promote.dev/version"]',
          expected: '2',
          live: '1',
        },
      ],
    },
  ];
  it.each(cases)('$name', ({ live, want }) => {
    const findings = objectDrift('Deployment/sentiment-production', live, deployment());
    expect(findings.map(({ object: _o, ...rest }) => rest)).toEqual(want);
  });

  it('a field only the live object has (the dry run would remove it) is named too', () => {
    const changes = fieldChanges(
      deployment((d) => (d.spec.paused = true)),
      deployment(),
    );
    expect(changes.map((c) => [c.path, c.expected, c.live])).toEqual([['spec.paused', undefined, true]]);
  });
});

describe('ownsPath: a managedFields set against a path', () => {
  const set = ours.fieldsV1;
  const cases = [
    { steps: [{ key: 'metadata' }, { key: 'labels' }, { key: 'app' }], owns: true },
    { steps: [{ key: 'spec' }, { key: 'replicas' }], owns: false },
    {
      steps: [
        { key: 'spec' },
        { key: 'template' },
        { key: 'spec' },
        { key: 'containers' },
        { index: 0, element: { name: 'model-server', image: 'x' }, label: 'model-server' },
        { key: 'ports' },
        { index: 0, element: { containerPort: 8080, protocol: 'TCP' }, label: '0' },
        { key: 'containerPort' },
      ],
      owns: true,
    },
    {
      steps: [
        { key: 'spec' },
        { key: 'template' },
        { key: 'spec' },
        { key: 'containers' },
        { index: 1, element: { name: 'sidecar' }, label: 'sidecar' },
        { key: 'image' },
      ],
      owns: false,
    },
  ];
  it.each(cases)('%#', ({ steps, owns }) => expect(ownsPath(set, steps)).toBe(owns));
});

describe('replicaRangeDrift: a Deployment our HPA scales', () => {
  const cases = [
    { replicas: 3, found: false },
    { replicas: 2, found: false },
    { replicas: 4, found: false },
    { replicas: 1, found: true },
    { replicas: 9, found: true },
    { replicas: undefined, found: false },
  ];
  it.each(cases)('replicas $replicas within 2..4: drift $found', ({ replicas, found }) => {
    const finding = replicaRangeDrift('Deployment/d', replicas, { min: 2, max: 4 }, [
      scaledBy('kubectl-scale'),
    ]);
    expect(Boolean(finding)).toBe(found);
    if (found)
      expect(finding).toMatchObject({ expected: '2..4', live: String(replicas), manager: 'kubectl-scale' });
  });
});

describe('podImageDrift', () => {
  const pod = (name: string, imageID: string | undefined, container = 'model-server') => ({
    metadata: { name },
    status: { containerStatuses: [{ name: container, ...(imageID !== undefined ? { imageID } : {}) }] },
  });
  it('names the pods running another digest; starting pods and other containers are left alone', () => {
    const findings = podImageDrift(
      [
        pod('a', `docker-pullable://r/m@${DIGEST}`),
        pod('b', `r/m@${OTHER}`),
        pod('c', undefined),
        pod('d', `r/x@${OTHER}`, 'sidecar'),
      ],
      ['model-server'],
      DIGEST,
    );
    expect(findings).toEqual([
      {
        kind: 'image',
        object: 'Pod/b',
        field: 'containers[model-server].imageID',
        expected: DIGEST,
        live: `r/m@${OTHER}`,
      },
    ]);
  });
});
