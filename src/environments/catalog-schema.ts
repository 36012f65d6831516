/**
 * The compute catalog: environments, each holding compute pools. This zod schema is the single
 * source of truth: `schema/catalog.schema.json` (for editors) is generated from it and a test keeps
 * the two equal. The format is described in docs/catalog.md.
 */
import { z } from 'zod';
import { IMAGE_LOCATION_PATTERN } from '../oci/image-location.js';
import { VERSION_PATTERN } from './runtime-version.js';

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lower-case letters, digits and dashes (a DNS label)')
  .max(63);

/** The grammar of a Kubernetes quantity: `80Gi`, `500m`, `2`, `1.5`, `1e3`, `-1`. */
export const QUANTITY_PATTERN =
  /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** A non-negative Kubernetes quantity such as `80Gi`, `500m` or `2` (sizes of pools). */
const QUANTITY_MESSAGE = 'must be a number or a Kubernetes quantity such as 24Gi, 500m or 2';
export const quantity = z.union(
  [
    z.number().nonnegative(),
    z.string().regex(new RegExp(QUANTITY_PATTERN.source.replace('[+-]?', '\\+?')), QUANTITY_MESSAGE),
  ],
  { error: QUANTITY_MESSAGE },
);

/** Label values are strings; YAML numbers and booleans (`gpu-count: 1`) are taken as their text. */
const labelValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const requirementSchema = z
  .object({
    key: z.string().min(1).describe('Model label the requirement reads.'),
    operator: z
      .enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Ge', 'Lt', 'Le'])
      .describe(
        'Kubernetes label-selector operators, plus Gt/Ge/Lt/Le comparing numbers or quantities (24Gi).',
      ),
    values: z
      .array(labelValue)
      .optional()
      .describe(
        'In/NotIn: one or more values; Exists/DoesNotExist: none; Gt/Ge/Lt/Le: exactly one quantity.',
      ),
  })
  .strict()
  .superRefine((r, ctx) => {
    const count = r.values?.length ?? 0;
    const at = r.values ? ['values'] : ['operator'];
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (count < 1)
          ctx.addIssue({ code: 'custom', path: at, message: `${r.operator} needs at least one value` });
        return;
      case 'Exists':
      case 'DoesNotExist':
        if (count > 0) ctx.addIssue({ code: 'custom', path: at, message: `${r.operator} takes no values` });
        return;
      case 'Gt':
      case 'Ge':
      case 'Lt':
      case 'Le': {
        const only = r.values?.[0];
        if (count !== 1 || only === undefined) {
          ctx.addIssue({ code: 'custom', path: at, message: `${r.operator} needs exactly one value` });
        } else if (!QUANTITY_PATTERN.test(only)) {
          ctx.addIssue({
            code: 'custom',
            path: ['values', 0],
            message: `${r.operator} compares numbers: ${JSON.stringify(only)} is not a number or quantity such as 24Gi`,
          });
        }
        return;
      }
    }
  });

export const selectorSchema = z
  .object({
    matchLabels: z
      .record(z.string(), labelValue)
      .optional()
      .describe('Labels the model must carry with exactly these values.'),
    matchExpressions: z
      .array(requirementSchema)
      .optional()
      .describe('Requirements on model labels; all must hold (as in a Kubernetes label selector).'),
  })
  .strict();

export const acceleratorSchema = z
  .object({
    vendor: z.enum(['nvidia', 'amd', 'intel', 'google', 'aws', 'none']),
    product: z.string().optional().describe('e.g. A100-SXM4-80GB, MI300X, tpu-v5e, inferentia2'),
    memory: quantity.optional().describe('Memory per accelerator, e.g. 80Gi.'),
    count: z.number().int().min(0).max(64).default(1).describe('Accelerators per replica (0 to 64).'),
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
    tolerationSeconds: z.number().int().min(0).max(2_147_483_647).optional(),
  })
  .strict();

/** Replicas of one pool: beyond this a catalog is a typo, not a plan. */
const MAX_REPLICAS = 1000;
/** A latency objective, in milliseconds: above zero, at most an hour. */
const latencyMs = z.number().positive().max(3_600_000);

export const scalingSchema = z
  .object({
    minReplicas: z.number().int().min(1).max(MAX_REPLICAS).default(1),
    maxReplicas: z.number().int().min(1).max(MAX_REPLICAS).default(1),
    targetCPUUtilization: z.number().int().min(1).max(100).optional(),
    metrics: z
      .array(z.record(z.string(), z.unknown()))
      .optional()
      .describe('autoscaling/v2 MetricSpec entries, used as they are.'),
  })
  .strict()
  .refine((s) => s.maxReplicas >= s.minReplicas, {
    path: ['maxReplicas'],
    message: 'must be >= minReplicas',
  });

export const servingSchema = z
  .object({
    port: z.number().int().min(1).max(65535).default(8080),
    healthPath: z.string().startsWith('/').default('/healthz').describe('Liveness probe path.'),
    readinessPath: z
      .string()
      .startsWith('/')
      .optional()
      .describe('Readiness probe path; healthPath if absent.'),
    inferencePath: z.string().startsWith('/').default('/v1/predict'),
    latencySLO: z
      .object({ p50Ms: latencyMs.optional(), p95Ms: latencyMs.optional() })
      .strict()
      .optional()
      .describe('Latency objectives checked by the post-deploy verification.'),
  })
  .strict();

/** Kept for the JSON Schema: `scratch`, `oci-layout:PATH[:TAG]` (relative to the catalog), or a registry reference. */
export const BASE_IMAGE_PATTERN = IMAGE_LOCATION_PATTERN;

/**
 * A dotted version (`535.104.05`, `12.4`). YAML reads an unquoted `12.10` as the number 12.1, so a
 * number is refused rather than turned back into text.
 */
export const versionString = (example: string) =>
  z
    .string({ error: `must be a quoted version such as '${example}' (YAML reads 12.10 unquoted as 12.1)` })
    .regex(VERSION_PATTERN, `must be a version such as ${example}: numbers separated by dots`);

const baseReference = z
  .string()
  .regex(BASE_IMAGE_PATTERN, 'must be scratch, oci-layout:PATH[:TAG] or a registry reference');

export const baseVariantSchema = z
  .object({
    ref: baseReference.describe('`scratch`, `oci-layout:PATH[:TAG]`, or a registry reference.'),
    cuda: versionString('12.4')
      .optional()
      .describe("CUDA runtime the image carries, when its config does not say (e.g. '12.4.1')."),
    rocm: versionString('6.2')
      .optional()
      .describe("ROCm runtime the image carries, when its config does not say (e.g. '6.2')."),
  })
  .strict()
  .refine((v) => v.cuda === undefined || v.rocm === undefined, {
    message: 'a base image carries CUDA or ROCm, not both',
  });

const baseOrVariant = z.union([baseReference, baseVariantSchema]);

/** One base, or several variants of it (the newest the pool's driver runs is chosen). */
const baseEntry = z.union([baseReference, baseVariantSchema, z.array(baseOrVariant).min(1)], {
  error: (issue) => branchMessage(issue.input, issue),
});

/** zod reports a failed union as a whole; say what the branch the input was written as needed. */
function branchMessage(input: unknown, issue: { errors?: unknown }): string {
  const branches = (issue.errors ?? []) as { path: PropertyKey[]; message: string }[][];
  const branch = Array.isArray(input) ? branches[2] : typeof input === 'object' ? branches[1] : branches[0];
  const first = branch?.find((e) => e.path.length > 0) ?? branch?.[0];
  const where = first?.path.length ? `${first.path.map(String).join('.')}: ` : '';
  return first && (typeof input === 'object' || typeof input === 'string')
    ? `${where}${first.message}`
    : 'must be a base image reference, {ref, cuda or rocm}, or a list of them';
}

export const imageSchema = z
  .object({
    base: z
      .record(z.string(), baseEntry)
      .refine((b) => Object.keys(b).length > 0, {
        message: 'needs at least one base image, e.g. default: scratch',
      })
      .describe(
        'Serving base image per runtime (the model label `runtime` picks one; `default` otherwise): ' +
          '`scratch`, `oci-layout:PATH[:TAG]`, a registry reference, `{ref, cuda | rocm}`, ' +
          'or a list of these variants (the newest one the pool driver runs is chosen).',
      ),
    modelPath: z
      .string()
      .startsWith('/')
      .default('/models')
      .describe('Where the model files go in the image.'),
    entrypoint: z.array(z.string()).optional(),
    cmd: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).default({}),
    labels: z.record(z.string(), z.string()).default({}).describe('OCI image config labels.'),
    platform: z
      .string()
      .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'must be OS/ARCH[/VARIANT], e.g. linux/amd64')
      .default('linux/amd64'),
  })
  .strict();

export const builderSchema = z
  .object({
    kind: z
      .enum(['buildah', 'docker'])
      .describe('Build with buildah (daemonless) or docker buildx from a generated Containerfile.'),
    steps: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Containerfile instructions run on the base before the model is copied, e.g. RUN apt-get install -y libgomp1.',
      ),
  })
  .strict();

export const modelValidationSchema = z
  .object({
    enabled: z
      .boolean()
      .describe(
        'Render a ModelValidation (sigstore/model-validation-operator, ml.sigstore.dev/v1alpha1) with the ' +
          'signing policy that admitted the model, and label the pods for it: the init container the operator ' +
          'injects runs `model_signing verify` on the model before the server starts.',
      ),
    mountPath: z
      .string()
      .regex(/^\/[^\0]*[^/]$/, 'must be an absolute path, e.g. /var/run/model-promote/image')
      .refine(
        (p) =>
          p
            .split('/')
            .slice(1)
            .every((s) => s !== '' && s !== '.' && s !== '..'),
        {
          message: 'must be a clean absolute path (no "..", "." or "//")',
        },
      )
      .default('/var/run/model-promote/image')
      .describe(
        "Where the pods mount the model image itself (an image volume), for the operator's init container, " +
          'which runs in an image of its own and sees only volumes: the model is at mountPath + image.modelPath.',
      ),
  })
  .strict();

export const clusterTargetSchema = z
  .object({
    context: z.string().min(1).describe('kubeconfig context of the cluster.'),
    namespace: name.optional().describe('Namespace in that cluster; default the pool namespace.'),
  })
  .strict();

export const poolSchema = z
  .object({
    name,
    description: z.string().optional(),
    priority: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .default(0)
      .describe('Higher wins among matching pools (-1000000 to 1000000).'),
    requirements: selectorSchema.default({}).describe('What the model labels must satisfy.'),
    accelerator: acceleratorSchema.optional(),
    driver: z
      .object({
        version: versionString('535.104.05')
          .optional()
          .describe('NVIDIA driver on the nodes; decides which CUDA runtimes the pool runs.'),
        cuda: versionString('12.2')
          .optional()
          .describe(
            'Highest CUDA the NVIDIA driver supports (as nvidia-smi shows); used when version is absent.',
          ),
        rocm: versionString('6.2').optional().describe('ROCm version on the nodes (AMD pools).'),
      })
      .catchall(z.string())
      .optional()
      .describe(
        'Driver and runtime versions on the pool nodes: checked against the base image runtime, ' +
          'and injected into the image as env and labels.',
      ),
    memory: quantity.optional().describe('Container memory (request and limit).'),
    cpu: quantity.optional().describe('Container CPU request.'),
    resources: z
      .object({ requests: resourceList.optional(), limits: resourceList.optional() })
      .strict()
      .optional()
      .describe('Extra resource requests and limits, merged over memory, cpu and accelerator.'),
    nodeSelector: z.record(z.string(), z.string()).default({}),
    tolerations: z.array(tolerationSchema).default([]),
    image: imageSchema,
    scaling: scalingSchema.default({ minReplicas: 1, maxReplicas: 1 }),
    serving: servingSchema.default({ port: 8080, healthPath: '/healthz', inferencePath: '/v1/predict' }),
    form: z
      .enum(['deployment', 'kserve'])
      .default('deployment')
      .describe('Kubernetes Deployment or KServe InferenceService.'),
    endpoint: z.string().url().optional().describe('Public URL of the served model.'),
    namespace: name.default('default'),
    context: z.string().optional().describe('kubeconfig context of the cluster.'),
    clusters: z
      .array(clusterTargetSchema)
      .min(1)
      .optional()
      .describe('Clusters to promote to, in order (canary first); default: the pool context alone.'),
    builder: builderSchema
      .optional()
      .describe('Build from a generated Containerfile (for pools that need system packages on the base).'),
    modelValidation: modelValidationSchema
      .optional()
      .describe('Verify the model again in the cluster, before each pod starts (model-validation-operator).'),
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
      .optional()
      .describe('Sigstore keyless signers accepted (certificate identity and OIDC issuer).'),
    trustedRoot: z
      .string()
      .optional()
      .describe('Path to a Sigstore trusted_root.json (relative to the catalog).'),
    publicKeys: z
      .array(z.string().min(1))
      .optional()
      .describe('PEM public key files (relative to the catalog).'),
    certificateChain: z
      .array(z.string().min(1))
      .optional()
      .describe('PEM trust anchors (relative to the catalog).'),
  })
  .strict()
  .refine((p) => Boolean(p.keyless?.length || p.publicKeys?.length || p.certificateChain?.length), {
    message: 'a signing policy needs keyless identities, publicKeys or certificateChain',
  });

export const environmentSchema = z
  .object({
    description: z.string().optional(),
    production: z.boolean().default(false).describe('Marks a production environment (stricter reporting).'),
    signing: signingPolicySchema
      .optional()
      .describe('Signatures a promotion into this environment must have.'),
    pools: z.array(poolSchema).min(1).describe('Compute pools, in catalog order (the last tie-breaker).'),
  })
  .strict()
  .superRefine((env, ctx) => {
    const seen = new Set<string>();
    env.pools.forEach((pool, index) => {
      if (seen.has(pool.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['pools', index, 'name'],
          message: `duplicate pool name ${pool.name}`,
        });
      }
      seen.add(pool.name);
    });
  });

export const catalogSchema = z
  .object({
    $schema: z.string().optional(),
    apiVersion: z.literal('model-promote/v1'),
    kind: z.literal('ComputeCatalog'),
    environments: z
      .record(name, environmentSchema)
      .refine((e) => Object.keys(e).length > 0, { message: 'needs at least one environment' }),
  })
  .strict();

export type Requirement = z.infer<typeof requirementSchema>;
export type Selector = z.infer<typeof selectorSchema>;
export type Accelerator = z.infer<typeof acceleratorSchema>;
export type Pool = z.infer<typeof poolSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type EnvironmentSigningPolicy = z.infer<typeof signingPolicySchema>;
export type Catalog = z.infer<typeof catalogSchema>;
export type BuilderConfig = z.infer<typeof builderSchema>;
export type ClusterTarget = z.infer<typeof clusterTargetSchema>;
export type BaseVariant = z.infer<typeof baseVariantSchema>;
