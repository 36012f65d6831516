/** The plan as plain text, printed by `--dry-run`. Pure. */
import type { PoolChoice } from '../environments/resolve-pool.js';
import { renderExplanationTable } from '../environments/explanation-table.js';
import type { ImagePlan } from '../image/plan.js';
import type { SignedFiles } from '../signing/verify-model.js';
import { formatBytes } from './summary-markdown.js';

export interface PlanText {
  readonly model: { readonly name: string; readonly version: string };
  readonly verified: SignedFiles;
  readonly choice: PoolChoice;
  readonly image: ImagePlan;
}

export function renderPlanText({ model, verified, choice, image }: PlanText): string {
  const lines = [
    `plan: promote ${model.name} v${model.version} (${verified.digest}) to ${choice.environment}`,
    `  signed by ${verified.signature.signer}${verified.signature.issuer ? ` (${verified.signature.issuer})` : ''}, satisfying ${verified.satisfied.join(' and ')}`,
    `  pool ${choice.pool.name} in namespace ${choice.pool.namespace}, base ${image.base.reference} (${choice.baseKey})`,
    `  image ${image.platform}, tags ${image.tags.join(', ')}, model at ${image.modelPath}:`,
    ...image.layers.map(
      (layer) =>
        `    layer: ${layer.files.length} file(s), ${formatBytes(layer.files.reduce((n, f) => n + f.size, 0))}: ${layer.createdBy}`,
    ),
    renderExplanationTable(choice.explanation),
  ];
  return lines.join('\n');
}
