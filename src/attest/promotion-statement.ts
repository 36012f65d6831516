/**
 * The promotion attestation's statement: an in-toto Statement v1 whose subject is the pushed image
 * and whose predicate says which signed model became it, where it went and what was applied. The
 * zod schema is the one definition: the builder's output is checked against it, verify-promotion
 * reads with it, and schema/promotion-statement.schema.json is generated from it (see
 * docs/attestation.md, field by field).
 */
import { z } from 'zod';
import { STATEMENT_TYPE } from '../signing/statement.js';
import { publishedJsonSchema } from '../published-schema.js';

/** Versioned: a change that breaks readers gets a new URI (v2), never a new meaning for v1. */
export const PROMOTION_PREDICATE_TYPE = 'https://model-promote.dev/promotion/v1';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest (64 lowercase hex digits)');
const digestSet = z
  .object({ sha256: sha256Hex })
  .describe('in-toto DigestSet: algorithm name to lowercase hex digest');
const ociDigest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'an OCI digest, sha256:<64 hex>');
const timestamp = z.iso.datetime();

export const promotionPredicateSchema = z
  .object({
    promotionId: z
      .string()
      .min(1)
      .describe('The promotion, as named in the record, history and annotations.'),
    promotedAt: timestamp.describe('When the promotion was attested (RFC 3339, UTC).'),
    startedAt: timestamp.describe('When the promotion started.'),
    runUrl: z.url().optional().describe('The CI run that promoted the image.'),
    tool: z.object({ name: z.literal('model-promote'), version: z.string() }),
    result: z
      .literal('succeeded')
      .describe('Only a promotion that deployed is attested; a failed one leaves no attestation.'),
    model: z.object({
      registry: z.string().describe('The model registry, as given (a folder path or a URI).'),
      name: z.string(),
      version: z.string().describe('The version promoted (an alias resolved).'),
      requested: z.string().describe('The version or alias as asked for.'),
      digest: ociDigest.describe(
        "The OMS signature's subject digest: one digest for the whole signed model.",
      ),
      signature: z.object({
        method: z.enum(['keyless', 'key', 'certificate']),
        signer: z
          .string()
          .describe(
            'Keyless: the certificate identity; key: the SPKI sha256 fingerprint; certificate: the subject.',
          ),
        issuer: z.string().optional().describe('Keyless: the OIDC issuer.'),
        policies: z.array(z.string()).describe('The signing policies it satisfied, by source.'),
      }),
      serialization: z.string().describe('How OMS hashed the model: files, or shards.'),
      files: z
        .array(z.object({ name: z.string(), digest: digestSet }))
        .describe("The signed model's resources as the OMS statement lists them (files, or file shards)."),
    }),
    environment: z.object({
      name: z.string(),
      pool: z.string(),
      namespace: z.string().optional(),
    }),
    image: z.object({
      base: z.string().describe('The base image reference.'),
      baseDigest: ociDigest.optional(),
      modelPath: z.string().describe("Where the model files are in the image (the pool's image.modelPath)."),
      layers: z
        .array(z.object({ digest: ociDigest, size: z.number().int().nonnegative(), files: z.number().int() }))
        .describe('The model layers, in image order (the base image layers are the base image’s).'),
    }),
    manifests: z
      .array(z.object({ name: z.string(), digest: digestSet }))
      .describe('The manifests applied (or rendered, with no cluster): file name and sha256 of the YAML.'),
    clusters: z
      .array(
        z.object({
          name: z.string(),
          namespace: z.string(),
          version: z.string(),
          previousVersion: z.string().optional(),
        }),
      )
      .describe('Where it was deployed, in promotion order; empty when manifests were only rendered.'),
  })
  .strict();

export const promotionStatementSchema = z
  .object({
    _type: z.literal(STATEMENT_TYPE),
    subject: z
      .array(z.object({ name: z.string().min(1), digest: digestSet }))
      .length(1)
      .describe('The pushed image: repository name and manifest digest.'),
    predicateType: z.literal(PROMOTION_PREDICATE_TYPE),
    predicate: promotionPredicateSchema,
  })
  .strict();

export type PromotionStatement = z.infer<typeof promotionStatementSchema>;
export type PromotionPredicate = z.infer<typeof promotionPredicateSchema>;

/** What the statement is built from: the record's facts and the few the record does not keep. */
export interface PromotionFacts {
  /** The image's repository, `HOST/REPO` (the subject's name). */
  readonly imageName: string;
  readonly imageDigest: string;
  readonly promotionId: string;
  readonly startedAt: string;
  readonly promotedAt: string;
  readonly runUrl?: string;
  readonly toolVersion: string;
  readonly model: Omit<PromotionPredicate['model'], 'files'> & {
    readonly files: readonly { readonly name: string; readonly algorithm: string; readonly digest: string }[];
  };
  readonly environment: PromotionPredicate['environment'];
  readonly image: PromotionPredicate['image'];
  /** File name and YAML text of each manifest applied. */
  readonly manifests: readonly { readonly name: string; readonly sha256: string }[];
  readonly clusters: PromotionPredicate['clusters'];
}

/** The statement (pure). Throws if a fact cannot be said in the schema: a bug, not a user error. */
export function promotionStatement(facts: PromotionFacts): PromotionStatement {
  const nonSha256 = facts.model.files.find((f) => f.algorithm !== 'sha256');
  if (nonSha256) {
    throw new Error(
      `attesting the promotion: model file ${nonSha256.name} is hashed with ${nonSha256.algorithm}, and the attestation names sha256 digests only`,
    );
  }
  return promotionStatementSchema.parse({
    _type: STATEMENT_TYPE,
    subject: [{ name: facts.imageName, digest: { sha256: hexOf(facts.imageDigest) } }],
    predicateType: PROMOTION_PREDICATE_TYPE,
    predicate: {
      promotionId: facts.promotionId,
      promotedAt: facts.promotedAt,
      startedAt: facts.startedAt,
      ...(facts.runUrl && { runUrl: facts.runUrl }),
      tool: { name: 'model-promote', version: facts.toolVersion },
      result: 'succeeded',
      model: {
        ...facts.model,
        files: facts.model.files.map((f) => ({ name: f.name, digest: { sha256: f.digest } })),
      },
      environment: facts.environment,
      image: facts.image,
      manifests: facts.manifests.map((m) => ({ name: m.name, digest: { sha256: m.sha256 } })),
      clusters: facts.clusters,
    },
  });
}

export const PROMOTION_STATEMENT_SCHEMA_FILE = 'schema/promotion-statement.schema.json';

/** The JSON Schema of the statement (what is signed), for other readers of the attestation. */
export function promotionStatementJsonSchema(): Record<string, unknown> {
  return publishedJsonSchema(promotionStatementSchema, {
    file: PROMOTION_STATEMENT_SCHEMA_FILE,
    title: 'model-promote promotion attestation (in-toto Statement v1)',
    description: `The statement signed in a promotion attestation, predicate type ${PROMOTION_PREDICATE_TYPE}; see docs/attestation.md.`,
    io: 'output',
  });
}

/** The exact bytes signed (the DSSE payload): compact JSON in the schema's key order. */
export function statementBytes(statement: PromotionStatement): Uint8Array {
  return Buffer.from(JSON.stringify(statement));
}

function hexOf(digest: string): string {
  return digest.startsWith('sha256:') ? digest.slice('sha256:'.length) : digest;
}
