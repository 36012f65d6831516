/**
 * The Containerfile a builder (buildah, docker) runs for pools that need system packages (pure):
 * the base pinned by digest, the pool's extra steps, the verified model files, then the same ENV,
 * LABEL, ENTRYPOINT and CMD the daemonless build writes into the config (image-config.ts).
 */
import { BuilderError } from './builder-error.js';
import type { ImagePlan } from './plan.js';

/** Where the build context keeps the model files: `COPY model/ <modelPath>/`. */
export const CONTEXT_MODEL_DIR = 'model';
/** Where it keeps the verified signature: `COPY signature/model.sig <modelPath>/model.sig`, a layer of its own. */
export const CONTEXT_SIGNATURE_FILE = 'signature/model.sig';

/** Instructions a pool step may start with. FROM, COPY and ADD would bring in what was not verified. */
export const ALLOWED_STEP_INSTRUCTIONS = [
  'RUN',
  'ENV',
  'ARG',
  'WORKDIR',
  'USER',
  'LABEL',
  'SHELL',
  'EXPOSE',
] as const;

export interface ContainerfileBase {
  /** `scratch`, or a registry image pinned by digest. */
  readonly kind: 'scratch' | 'registry';
  /** For registry bases: `HOST/REPO` (a tag, if any, is dropped: the digest pins it). */
  readonly name?: string;
  readonly digest?: string;
}

export interface ContainerfileInput {
  readonly base: ContainerfileBase;
  readonly plan: Pick<ImagePlan, 'modelPath' | 'config' | 'signaturePath'>;
  /** The pool's extra steps, one instruction each, e.g. `RUN apt-get install -y libgomp1`. */
  readonly steps: readonly string[];
  /** First comment line: what this file builds. */
  readonly title?: string;
}

/** The FROM operand: `scratch` or `HOST/REPO@sha256:...`; refuses a registry base not pinned by digest. */
export function fromOperand(base: ContainerfileBase): string {
  if (base.kind === 'scratch') return 'scratch';
  if (!base.name || !base.digest?.startsWith('sha256:')) {
    throw new BuilderError(
      'usage',
      'builder-base-unsupported',
      `the Containerfile base ${base.name ?? '(unnamed)'} is not pinned by digest`,
      'resolve the base image first: the builder gets the digest the plan chose',
    );
  }
  const repository = base.name
    .replace(/@sha256:[a-f0-9]{64}$/, '')
    .replace(/:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, '');
  return `${repository}@${base.digest}`;
}

/** Checks a pool step: one line, starting with an allowed instruction. Returns it trimmed. */
export function checkStep(step: string, index: number): string {
  const trimmed = step.trim();
  const instruction = /^([A-Za-z]+)\s+\S/.exec(trimmed)?.[1]?.toUpperCase();
  const where = `builder step ${index + 1} (${JSON.stringify(step.slice(0, 80))})`;
  if (/[\r\n]/.test(trimmed)) {
    throw new BuilderError(
      'usage',
      'builder-step-invalid',
      `${where} spans several lines`,
      'write one instruction per step; join shell commands with && inside one RUN',
    );
  }
  if (!instruction || !(ALLOWED_STEP_INSTRUCTIONS as readonly string[]).includes(instruction)) {
    throw new BuilderError(
      'usage',
      'builder-step-invalid',
      `${where} does not start with one of ${ALLOWED_STEP_INSTRUCTIONS.join(', ')}`,
      'the base comes from the pool and the model files from the verified model: steps may not FROM, COPY or ADD',
    );
  }
  return `${instruction}${trimmed.slice(instruction.length)}`;
}

/** A double-quoted Containerfile word: `"`, `\` and `$` escaped (no variable expansion). */
export function quoteWord(text: string): string {
  if (/[\r\n]/.test(text)) {
    throw new BuilderError(
      'usage',
      'builder-step-invalid',
      `value ${JSON.stringify(text.slice(0, 80))} holds a line break`,
    );
  }
  return `"${text.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** `/models` -> `/models/`. */
function directoryOperand(modelPath: string): string {
  return modelPath.endsWith('/') ? modelPath : `${modelPath}/`;
}

/** The Containerfile text, ending with a newline. Same input, same bytes. */
export function renderContainerfile(input: ContainerfileInput): string {
  const { config, modelPath, signaturePath } = input.plan;
  const lines: string[] = [];
  if (input.title) lines.push(`# ${input.title.replace(/[\r\n]+/g, ' ')}`);
  lines.push(`FROM ${fromOperand(input.base)}`);
  lines.push(...input.steps.map(checkStep));
  lines.push(`COPY --chown=0:0 ${CONTEXT_MODEL_DIR}/ ${quoteWord(directoryOperand(modelPath))}`);
  if (signaturePath) lines.push(`COPY --chown=0:0 ${CONTEXT_SIGNATURE_FILE} ${quoteWord(signaturePath)}`);
  if (config.env.length > 0) {
    lines.push(
      `ENV ${config.env.map(([key, value]) => `${envKey(key)}=${quoteWord(value)}`).join(' \\\n    ')}`,
    );
  }
  const labels = Object.entries(config.labels);
  if (labels.length > 0) {
    lines.push(
      `LABEL ${labels.map(([key, value]) => `${quoteWord(key)}=${quoteWord(value)}`).join(' \\\n      ')}`,
    );
  }
  if (config.entrypoint) lines.push(`ENTRYPOINT ${JSON.stringify(config.entrypoint)}`);
  if (config.cmd) lines.push(`CMD ${JSON.stringify(config.cmd)}`);
  return `${lines.join('\n')}\n`;
}

function envKey(key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
    throw new BuilderError(
      'usage',
      'builder-step-invalid',
      `environment variable name ${JSON.stringify(key)} cannot go in a Containerfile`,
    );
  }
  return key;
}
