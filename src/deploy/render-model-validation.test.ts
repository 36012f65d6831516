import { describe, expect, it } from '@jest/globals';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { LABEL_VALUE } from './labels.js';
import { IMAGE, pool, renderInput } from '../../test/deploy/render-fixture.js';
import { renderManifests, type KubernetesObject, type RenderInput } from './render.js';
import {
  MODEL_VALIDATION_LABEL,
  TRUST_MOUNT_PATH,
  type ModelValidationInput,
} from './render-model-validation.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered objects are read as plain data */
const PEM = '-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----\n';
const keyless: ModelValidationInput = {
  policy: {
    method: 'keyless',
    identity: 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main',
    issuer: 'https://token.actions.githubusercontent.com',
  },
  signaturePath: '/models/model.sig',
};
const key: ModelValidationInput = {
  policy: { method: 'key', publicKey: PEM },
  signaturePath: '/models/model.sig',
};

function render(
  overrides: Partial<RenderInput> = {},
  validation: Record<string, unknown> = { enabled: true },
) {
  return renderManifests(
    renderInput({ pool: pool({ modelValidation: validation }), modelValidation: keyless, ...overrides }),
  );
}
const byKind = (objects: KubernetesObject[], kind: string) => objects.filter((o) => o.kind === kind) as any[];

describe('renderManifests with in-cluster model validation', () => {
  it('puts the ModelValidation before the workload, with the policy, and labels the pods with its name', () => {
    const objects = render();
    expect(objects.map((o) => o.kind)).toEqual([
      'ConfigMap',
      'ModelValidation',
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
    ]);
    const [mv] = byKind(objects, 'ModelValidation');
    expect(mv.apiVersion).toBe('ml.sigstore.dev/v1alpha1');
    expect(mv.metadata.namespace).toBe('models');
    expect(mv.spec).toEqual({
      model: {
        path: '/var/run/model-promote/image/models',
        signaturePath: '/var/run/model-promote/image/models/model.sig',
      },
      config: {
        sigstoreConfig: {
          certificateIdentity: 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main',
          certificateOidcIssuer: 'https://token.actions.githubusercontent.com',
        },
      },
    });
    const [deployment] = byKind(objects, 'Deployment');
    new Deployment(deployment).validate();
    const template = deployment.spec.template;
    expect(template.metadata.labels[MODEL_VALIDATION_LABEL]).toBe(mv.metadata.name);
    expect(mv.metadata.name).toMatch(LABEL_VALUE);
    expect(mv.metadata.name.length).toBeLessThanOrEqual(63);
    // The operator's init container sees only volumes: the image itself is one, read-only.
    expect(template.spec.volumes).toContainEqual({
      name: 'model-image',
      image: { reference: IMAGE, pullPolicy: 'IfNotPresent' },
    });
    // The operator's init container states no user; the pod gives it a non-root one.
    expect(template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
    });
    expect(template.spec.containers[0].volumeMounts).toContainEqual({
      name: 'model-image',
      mountPath: '/var/run/model-promote/image',
      readOnly: true,
    });
  });

  it('keeps the selector and renders nothing more when the pool does not ask', () => {
    const asked = render();
    const plain = renderManifests(renderInput({ modelValidation: keyless }));
    const off = render({}, { enabled: false });
    expect(off).toEqual(plain);
    expect(byKind(plain, 'Deployment')[0].spec.template.spec.securityContext.runAsUser).toBeUndefined();
    expect(byKind(plain, 'ModelValidation')).toEqual([]);
    expect(byKind(asked, 'Deployment')[0].spec.selector).toEqual(
      byKind(plain, 'Deployment')[0].spec.selector,
    );
  });

  it('puts a public key in an immutable ConfigMap the pods mount, and names its path as keyPath', () => {
    const objects = render({ modelValidation: key });
    expect(objects.map((o) => o.kind).slice(0, 3)).toEqual(['ConfigMap', 'ConfigMap', 'ModelValidation']);
    const trust = byKind(objects, 'ConfigMap')[1];
    new ConfigMap(trust).validate();
    expect(trust.immutable).toBe(true);
    expect(trust.data).toEqual({ 'key.pub': PEM });
    const [mv] = byKind(objects, 'ModelValidation');
    expect(mv.spec.config).toEqual({ privateKeyConfig: { keyPath: `${TRUST_MOUNT_PATH}/key.pub` } });
    const spec = byKind(objects, 'Deployment')[0].spec.template.spec;
    expect(spec.volumes).toContainEqual({ name: 'model-trust', configMap: { name: trust.metadata.name } });
    expect(spec.containers[0].volumeMounts).toContainEqual({
      name: 'model-trust',
      mountPath: TRUST_MOUNT_PATH,
      readOnly: true,
    });
  });

  it('puts trust anchors in the ConfigMap and names them as the certificate authority', () => {
    const anchors = '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n';
    const objects = render({
      modelValidation: { policy: { method: 'certificate', anchors }, signaturePath: '/m/model.sig' },
    });
    expect(byKind(objects, 'ConfigMap')[1].data).toEqual({ 'anchors.pem': anchors });
    expect(byKind(objects, 'ModelValidation')[0].spec).toEqual({
      model: {
        path: '/var/run/model-promote/image/models',
        signaturePath: '/var/run/model-promote/image/m/model.sig',
      },
      config: { pkiConfig: { certificateAuthority: `${TRUST_MOUNT_PATH}/anchors.pem` } },
    });
  });

  it('names the ModelValidation by its spec: another signer, another object (a rollback keeps its own)', () => {
    const first = byKind(render(), 'ModelValidation')[0];
    const again = byKind(render({ promotionId: 'another-run' }), 'ModelValidation')[0];
    const other = byKind(render({ modelValidation: key }), 'ModelValidation')[0];
    expect(again.metadata.name).toBe(first.metadata.name);
    expect(other.metadata.name).not.toBe(first.metadata.name);
  });

  it('labels the KServe predictor pods and mounts the same volumes', () => {
    const objects = render({ pool: pool({ form: 'kserve', modelValidation: { enabled: true } }) });
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'ModelValidation', 'InferenceService']);
    const predictor = byKind(objects, 'InferenceService')[0].spec.predictor;
    expect(predictor.labels[MODEL_VALIDATION_LABEL]).toBe(
      byKind(objects, 'ModelValidation')[0].metadata.name,
    );
    expect(predictor.volumes.map((v: any) => v.name)).toContain('model-image');
    expect(predictor.containers[0].volumeMounts.map((m: any) => m.name)).toContain('model-image');
  });

  it('keeps a long model name within a label value', () => {
    const objects = render({
      model: { name: 'a-very-long-model-name-'.repeat(4), version: '1', digest: `sha256:${'c'.repeat(64)}` },
    });
    const name = byKind(objects, 'ModelValidation')[0].metadata.name as string;
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(LABEL_VALUE);
  });

  it.each(['/models', '/models/sub', '/', '/tmp', '/var/run/model-promote'])(
    'refuses a mountPath that would hide what the server reads (%s)',
    (mountPath) => {
      const attempt = () => render({}, { enabled: true, mountPath });
      if (mountPath === '/') expect(() => pool({ modelValidation: { enabled: true, mountPath } })).toThrow();
      else
        expect(attempt).toThrow(
          expect.objectContaining({ code: 'model-validation-mount-invalid', kind: 'usage' }),
        );
    },
  );

  it('fails when the pool asks and the promotion has no signature to validate with', () => {
    expect(() => render({ modelValidation: undefined })).toThrow(
      expect.objectContaining({ code: 'model-validation-unavailable' }),
    );
  });
});
