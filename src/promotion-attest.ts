/**
 * The attestation stage: after a successful deploy, the signed statement of what was promoted,
 * attached to the image as a Sigstore bundle referrer (cosign `--new-bundle-format`, Kyverno and
 * policy-controller find it there), or written beside an image written as an OCI layout.
 *
 * A failure here fails the promotion (the image is not attested, so an admission policy that asks
 * for the attestation would refuse it) but does not roll the deploy back: the pods that run are the
 * verified model, healthy, and taking them down because a signing service was unreachable would
 * turn a missing receipt into an outage. Promoting again attests the same image digest.
 */
import { createHash } from 'node:crypto';
import { manifestFileName, manifestYaml } from './deploy/write-manifests.js';
import type { KubernetesObject } from './deploy/render-input.js';
import { attestationArtifact } from './attest/attestation-referrer.js';
import type { ChosenSigner } from './attest/choose-signer.js';
import {
  PROMOTION_PREDICATE_TYPE,
  promotionStatement,
  statementBytes,
  type PromotionFacts,
} from './attest/promotion-statement.js';
import { attachToImage } from './promotion-apply.js';
import type { PromotionContext, PromotionPlan } from './promotion-plan.js';
import { TOOL_VERSION } from './version.js';

/** What was applied: the rendered objects as written to the manifests folder, then the user's own. */
export interface AppliedObjects {
  readonly rendered: readonly KubernetesObject[];
  /** As loaded and substituted (client-node's looser object type). */
  readonly user: readonly { readonly kind?: string; readonly metadata?: { readonly name?: string } }[];
}

export async function attestStage(
  context: PromotionContext,
  plan: PromotionPlan,
  image: { readonly digest: string; readonly reference: string },
  applied: AppliedObjects,
  signer: ChosenSigner,
): Promise<void> {
  const { record, stages, output, inputs } = context;
  const store = context.options.attestationStore;
  await stages.run(
    'attestation',
    async (): Promise<{ file: string } | { digest: string; stored?: string; notStored?: string }> => {
      const now = (context.options.clock ?? (() => new Date()))();
      const statement = promotionStatement(promotionFacts(context, plan, image, applied, now));
      const signed = await signer.sign(statementBytes(statement));
      const bundle = Buffer.from(JSON.stringify(signed));
      if (!plan.target) {
        await output.writeAttestation(bundle.toString('utf8'));
        record.attestations = { ...record.attestations, promotionFile: output.attestationPath() };
        return { file: output.attestationPath() };
      }
      const attached = await attachToImage(
        plan,
        image.digest,
        attestationArtifact(bundle, { environment: inputs.environment, promotionId: record.promotionId }),
      );
      // Recorded before the store is asked: the referrer is there even when storing fails.
      record.attestations = { ...record.attestations, promotion: attached.digest };
      // `gh attestation verify oci://IMAGE` needs a registry image: only a pushed one is stored.
      if (!store) return { digest: attached.digest };
      const published = await store.publish(signed);
      if ('skipped' in published) {
        const { skipped, reason, repository } = published;
        record.attestations = { ...record.attestations, github: { skipped, reason, repository } };
        return { digest: attached.digest, notStored: `${store.name} (${skipped})` };
      }
      record.attestations = {
        ...record.attestations,
        github: { id: published.id, repository: published.repository },
      };
      return { digest: attached.digest, stored: `${store.name} as ${published.id}` };
    },
    (w) =>
      `${signer.method}-signed ${PROMOTION_PREDICATE_TYPE} for ${inputs.environment}, ` +
      ('digest' in w
        ? `attached to ${image.reference} as ${w.digest}` +
          (w.stored ? `, stored in ${w.stored}` : w.notStored ? `, not stored in ${w.notStored}` : '')
        : `written to ${w.file}`),
  );
}

/** The statement's facts from the plan and the record (pure). */
export function promotionFacts(
  context: Pick<PromotionContext, 'inputs' | 'record'>,
  plan: Pick<PromotionPlan, 'version' | 'verified' | 'choice' | 'base' | 'image'>,
  image: { readonly digest: string; readonly reference: string },
  applied: AppliedObjects,
  now: Date,
): PromotionFacts {
  const { record, inputs } = context;
  const { signature, manifest } = plan.verified;
  return {
    imageName: image.reference.replace(/@sha256:[0-9a-f]{64}$/, ''),
    imageDigest: image.digest,
    promotionId: record.promotionId,
    startedAt: record.startedAt,
    promotedAt: now.toISOString(),
    ...(record.runUrl && { runUrl: record.runUrl }),
    toolVersion: TOOL_VERSION,
    model: {
      registry: inputs.registry,
      name: plan.version.model,
      version: plan.version.version,
      requested: plan.version.requested,
      digest: plan.verified.digest,
      signature: {
        method: signature.method,
        signer: signature.signer,
        ...(signature.issuer && { issuer: signature.issuer }),
        policies: [...plan.verified.satisfied],
      },
      serialization: manifest.serialization.method,
      files: manifest.resources,
    },
    environment: {
      name: inputs.environment,
      pool: plan.choice.pool.name,
      ...(plan.choice.pool.namespace && { namespace: plan.choice.pool.namespace }),
    },
    image: {
      base: plan.base.reference,
      ...(plan.base.digest && { baseDigest: plan.base.digest }),
      modelPath: plan.image.modelPath,
      layers: (record.image?.layers ?? []).flatMap((layer) =>
        layer.digest ? [{ digest: layer.digest, size: layer.size, files: layer.files }] : [],
      ),
    },
    manifests: [
      ...applied.rendered.map((object, i) => ({
        name: manifestFileName(i, object),
        sha256: yamlSha256(object),
      })),
      ...applied.user.map((object) => ({
        name: `user/${(object.kind ?? 'object').toLowerCase()}-${object.metadata?.name ?? ''}.yaml`,
        sha256: yamlSha256(object as KubernetesObject),
      })),
    ],
    clusters: (record.deploy ?? []).map((report) => ({
      name: report.cluster,
      namespace: report.namespace,
      version: report.version,
      ...(report.previousVersion !== undefined && { previousVersion: report.previousVersion }),
    })),
  };
}

function yamlSha256(object: KubernetesObject): string {
  return createHash('sha256').update(manifestYaml(object)).digest('hex');
}
