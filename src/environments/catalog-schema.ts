/**
 * The compute catalog: environments, each holding compute pools. This zod schema is the single
 * source of truth: `schema/catalog.schema.json` (for editors) is generated from it and a test keeps
 * the two equal.
 */
import { z } from 'zod';

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lower-case letters, digits and dashes (a DNS label)')
  .max(63);

/** A Kubernetes quantity such as `80Gi`, `500m` or `2`. */
export const quantity = z.union([
  z.number().nonnegative(),
  z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/, 'must be a Kubernetes quantity such as 24Gi'),
]);

export const requirementSchema = z
  .object({
    key: z.string().min(1).describe('Model label the requirement reads.'),
    operator: z
      .enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Ge', 'Lt', 'Le'])
      .describe(
        'Kubernetes label-selector operators, plus Gt/Ge/Lt/Le comparing numbers or quantities (24Gi).',
      ),
    values: z.array(z.string()).optional().describe('For In/NotIn: the allowed values; for Gt/Ge/Lt/Le: one.'),
  })
  .strict();

export const selectorSchema = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z.array(requirementSchema).optional(),
  })
  .strict();

export const acceleratorSchema = z
  .object({
    vendor: z.enum(['nvidia', 'amd', 'intel', 'google', 'aws', 'none']),
    product: z.string().optional().describe('e.g. A100-SXM4-80GB, MI300X, tpu-v5e, inferentia2'),
    memory: quantity.optional().describe('Memory per accelerator, e.g. 80Gi.'),
    count: z.number().int().nonnegative().default(1),
    resourceName: z
      .string()
      .optional()
      .describe('Extended resource to request; defaults by vendor (nvidia.com/gpu, amd.com/gpu, ...).'),
  })
  .strict();

const resourceList = z.record(z.string(), quantity);

export const tolerationSchema = z
  .object({
    key: z.string().optional(),
    operator: z.enum(['Exists', 'Equal']).optional(),
    value: z.string().optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .strict();

export const scalingSchema = z
  .object({
    minReplicas: z.number().int().min(1).default(1),
    maxReplicas: z.number().int().min(1).default(1),
    targetCPUUtilization: z.number().int().min(1).max(100).optional(),
    metrics: z
      .array(z.record(z.string(), z.unknown()))
      .optional()
      .describe('autoscaling/v2 MetricSpec entries, used as they are.'),
  })
  .strict()
  .refine((s) => s.maxReplicas >= s.minReplicas, { message: 'maxReplicas must be >= minReplicas' });

export const servingSchema = z
  .object({
    port: z.number().int().min(1).max(65535).default(8080),
    healthPath: z.string().startsWith('/').default('/healthz'),
    readinessPath: z.string().startsWith('/').optional(),
    inferencePath: z.string().startsWith('/').default('/v1/predict'),
    latencySLO: z
      .object({ p50Ms: z.number().positive().optional(), p95Ms: z.number().positive().optional() })
      .strict()
      .optional(),
  })
  .strict();

export const imageSchema = z
  .object({
    base: z
      .record(z.string(), z.string().min(1))
      .describe(
        'Serving base image per runtime (the model label `runtime` picks one; `default` otherwise): ' +
          '`scratch`, `oci-layout:PATH[:TAG]`, or a registry reference.',
      ),
    modelPath: z.string().startsWith('/').default('/models'),
    entrypoint: z.array(z.string()).optional(),
    cmd: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).default({}),
    labels: z.record(z.string(), z.string()).default({}),
    platform: z
      .string()
      .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/)
      .default('linux/amd64'),
  })
  .strict();

export const poolSchema = z
  .object({
    name,
    description: z.string().optional(),
    priority: z.number().int().default(0).describe('Higher wins among matching pools.'),
    requirements: selectorSchema.default({}).describe('What the model labels must satisfy.'),
    accelerator: acceleratorSchema.optional(),
    driver: z
      .object({ version: z.string().optional(), cuda: z.string().optional(), rocm: z.string().optional() })
      .catchall(z.string())
      .optional()
      .describe('Driver and runtime versions on the pool nodes; injected into the image as env and labels.'),
    memory: quantity.optional().describe('Container memory (request and limit).'),
    cpu: quantity.optional(),
    resources: z
      .object({ requests: resourceList.optional(), limits: resourceList.optional() })
      .strict()
      .optional(),
    nodeSelector: z.record(z.string(), z.string()).default({}),
    tolerations: z.array(tolerationSchema).default([]),
    image: imageSchema,
    scaling: scalingSchema.default({ minReplicas: 1, maxReplicas: 1 }),
    serving: servingSchema.default({ port: 8080, healthPath: '/healthz', inferencePath: '/v1/predict' }),
    form: z.enum(['deployment', 'kserve']).default('deployment'),
    endpoint: z.string().url().optional().describe('Public URL of the served model.'),
    namespace: name.default('default'),
    context: z.string().optional().describe('kubeconfig context of the cluster.'),
  })
  .strict();

export const signingPolicySchema = z
  .object({
    keyless: z
      .array(
        z
          .object({
            identity: z.string().min(1).describe('Exact identity, or /anchored regex/.'),
            issuer: z.string().url(),
          })
          .strict(),
      )
      .optional(),
    trustedRoot: z.string().optional().describe('Path to a Sigstore trusted_root.json (relative to the catalog).'),
    publicKeys: z.array(z.string()).optional().describe('PEM public key files (relative to the catalog).'),
    certificateChain: z.array(z.string()).optional().describe('PEM trust anchors (relative to the catalog).'),
  })
  .strict()
  .refine((p) => Boolean(p.keyless?.length || p.publicKeys?.length || p.certificateChain?.length), {
    message: 'a signing policy needs keyless identities, publicKeys or certificateChain',
  });

export const environmentSchema = z
  .object({
    description: z.string().optional(),
    production: z.boolean().default(false),
    signing: signingPolicySchema.optional().describe('Signatures a promotion into this environment must have.'),
    pools: z.array(poolSchema).min(1),
  })
  .strict();

export const catalogSchema = z
  .object({
    $schema: z.string().optional(),
    apiVersion: z.literal('model-promote/v1'),
    kind: z.literal('ComputeCatalog'),
    environments: z.record(name, environmentSchema),
  })
  .strict();

export type Requirement = z.infer<typeof requirementSchema>;
export type Selector = z.infer<typeof selectorSchema>;
export type Accelerator = z.infer<typeof acceleratorSchema>;
export type Pool = z.infer<typeof poolSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type EnvironmentSigningPolicy = z.infer<typeof signingPolicySchema>;
export type Catalog = z.infer<typeof catalogSchema>;
